"""Vertical plugins shipped with Abonent. Each registers through the ``abonent.plugins`` entry points."""
