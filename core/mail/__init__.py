"""Outgoing mail: an outbox table written in the business transaction, delivered over SMTP with retries."""
