"""Tenants: the providers hosted on one installation, their branding, contacts and domains."""
