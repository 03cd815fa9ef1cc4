"""Attachments: content-checked uploads kept outside the web root, served only to those allowed."""
