"""The month's billing: the run of accruals and penalties, started by an operator (a background task) or the CLI."""
