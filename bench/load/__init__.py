"""The load benchmark: locust journeys against gunicorn, beside a bare Flask route under the same settings."""
