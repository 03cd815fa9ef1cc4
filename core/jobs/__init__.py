"""Periodic jobs: a registry filled by ``register_jobs`` and an embedded scheduler (no Redis needed).

Every job is idempotent and can be run by hand with ``abonent jobs run NAME``. The embedded worker
(``abonent jobs worker``, or a thread inside ``abonent demo``) runs due jobs in a loop; with several
app servers run exactly one worker (or put jobs on a queue, see the README's scale notes).
"""
