"""Reminders to residents through core notifications: the reading window, meter verification, a debt's penalty."""
