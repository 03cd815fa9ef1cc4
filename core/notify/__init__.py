"""Notifications: one service for in-app notices and e-mail, with the subscriber's preferences per kind."""
