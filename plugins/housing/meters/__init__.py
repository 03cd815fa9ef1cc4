"""Meters: the operator's screens, the CSV import of meters, and the one check of a meter's data both use."""
