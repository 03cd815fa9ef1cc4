"""Daily charging: each running service's share of its monthly fee per day, posted exactly once.

``service`` runs a day (the job and ``abonent isp charge``), in chunks (``selection``, ``plan``,
``chunk``), with low-balance reminders (``reminders``); ``admin`` is the operator's page of runs.
"""
