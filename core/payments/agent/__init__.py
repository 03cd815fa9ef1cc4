"""Online payment agents (QIWI/OSMP-style ``check`` → ``pay`` protocol): money on the balance within seconds.

* :mod:`.protocol` — the wire format: request fields, result codes, the XML answer;
* :mod:`.settings` — the tenant's ``payments.agent`` settings (login, password, allowed addresses);
* :mod:`.service` — checking an account and posting a payment once per agent transaction;
* :mod:`.views` — the endpoint ``/payments/agent/osmp`` (HTTP basic auth and the address allow-list).

A payment is posted under the same ledger key the next day's bank registry uses for that transaction
(``registry:<provider>:<txn_id>``), so the registry import counts it as already posted and never
doubles it — and an agent's late ``pay`` for a transaction the registry already brought answers the
registry's payment instead of posting again. See ``docs/payments.md``.
"""
