"""The tenant's operator and admin area: subscribers, staff, site settings, plugins, audit log, outbox."""
