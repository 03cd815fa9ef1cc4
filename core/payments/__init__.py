"""Payments: card gateways (PayKeeper), bank registries, manual payments; all posted through the ledger."""
