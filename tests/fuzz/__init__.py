"""Fuzz tests: generated and boundary input on every API endpoint and every web form; never a 5xx."""
