"""Housing: buildings and flats, meters and readings, accruals with a trace, penalties, the ЕПД (issue #14).

Being built capability by capability; not registered as a plugin (no ``abonent.plugins`` entry point) until its
pages, migrations and demo tenant land. What exists: :mod:`plugins.housing.penalties.calculator` and
:mod:`plugins.housing.readings.rules`, the domain rules, with their tests in ``tests/plugins/housing``.
"""
