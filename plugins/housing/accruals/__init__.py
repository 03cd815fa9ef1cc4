"""Accruals: what each service costs a flat for a period, and the trace that explains every kopeck."""
