"""Penalties (пени) on housing debts: dated rules and the day-by-day calculation."""
