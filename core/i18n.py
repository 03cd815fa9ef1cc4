"""Marking strings for translation where they are stored or registered before a language is known."""


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now; translate where it is shown."""
    return message
