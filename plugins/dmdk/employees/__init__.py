"""Employees of a participant and their four organization roles (assigned by the organization's administrator)."""
