"""Performance benchmarks of the ledger, the balance pages and registry imports (``python -m bench``).

Every figure is a ratio against a baseline measured in the same run on the same database, so the
targets hold on any machine. See the "Benchmarks" section of README.md.
"""
