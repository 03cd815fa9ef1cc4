"""Technician visits ("вызов мастера"): requests, slots, scheduling, results and ratings."""
