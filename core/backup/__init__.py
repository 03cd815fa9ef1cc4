"""Backups of the whole database: ``abonent backup`` and ``abonent restore``."""
