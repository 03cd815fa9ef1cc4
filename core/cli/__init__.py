"""The ``abonent`` command line."""
