"""The JSON API under ``/api/v1`` (flask-smorest, marshmallow schemas, bearer tokens for the mobile app)."""
