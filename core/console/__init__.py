"""The staff start page: the operator's morning view, built from counters core and plugins contribute."""
