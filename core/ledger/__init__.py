"""The double-entry ledger: integer kopecks, immutable postings, idempotent transactions."""
