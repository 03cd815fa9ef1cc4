"""The pluggy markers for the ``abonent`` project."""

import pluggy

PROJECT = "abonent"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
