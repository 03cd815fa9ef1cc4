"""Periodic jobs: a registry filled by ``register_jobs`` and a queue (Huey) that runs them.

Every job is idempotent and can be run by hand with ``abonent jobs run NAME``. Queue consumers
(``abonent jobs worker`` on any number of machines, or threads inside ``abonent demo``/``serve``) run due jobs:
each period once, per-tenant jobs as one task per tenant (see :mod:`core.jobs.queue`).
"""
