"""Meter readings: the submission window, parsing, and the rules that judge a value."""
