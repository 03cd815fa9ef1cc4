"""The OSMP (QIWI) provider protocol's wire format, as payment agents (QIWI, «Город», ЕПС …) speak it.

The agent calls the provider's URL with GET or POST parameters:

* ``command`` — ``check`` (may this account be paid?) or ``pay`` (post the payment);
* ``txn_id`` — the agent's transaction number: digits only, at most 20;
* ``account`` — the subscriber's personal account as the payer typed it;
* ``sum`` — rubles with a dot and at most two decimals (``10.45``);
* ``txn_date`` — with ``pay``: when the agent took the money, ``YYYYMMDDHHMMSS``.

The provider answers XML (UTF-8)::

    <?xml version="1.0" encoding="UTF-8"?>
    <response>
      <osmp_txn_id>1234567</osmp_txn_id>
      <prv_txn>2016</prv_txn>
      <sum>10.45</sum>
      <result>0</result>
      <comment>OK</comment>
    </response>

``prv_txn`` (the provider's payment number) only with a successful ``pay``. ``result`` 0 is final
success; a non-zero *fatal* code is a final refusal; code 1 asks the agent to repeat later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from core.money.format import AmountError, format_money, parse_money

OK = 0  # no error
TEMPORARY = 1  # temporary error, repeat the request later
BAD_ACCOUNT = 4  # the account's format is wrong
NO_ACCOUNT = 5  # no such account
FORBIDDEN = 7  # the provider forbids this payment
FORBIDDEN_TECHNICAL = 8  # payment forbidden for technical reasons (e.g. payments off)
TOO_SMALL = 241  # the sum is too small
TOO_LARGE = 242  # the sum is too large
OTHER = 300  # any other error (bad request, a different payment under a used txn_id …)

COMMENTS = {
    OK: "OK",
    TEMPORARY: "temporary error, repeat later",
    BAD_ACCOUNT: "invalid account format",
    NO_ACCOUNT: "account not found",
    FORBIDDEN: "payment forbidden by the provider",
    FORBIDDEN_TECHNICAL: "payment forbidden for technical reasons",
    TOO_SMALL: "sum too small",
    TOO_LARGE: "sum too large",
    OTHER: "other provider error",
}

COMMANDS = ("check", "pay")
_TXN_ID = re.compile(r"[0-9]{1,20}")
_SUM = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,2})?")
_DATE = re.compile(r"[0-9]{14}")
_ACCOUNT = re.compile(r"[0-9A-Za-z -]{1,40}")
MAX_FIELD = 200  # anything longer is hostile input, not a payment


class ProtocolError(ValueError):
    """The request cannot be served; ``code`` is the protocol's result code, ``comment`` says why."""

    def __init__(self, code: int, comment: str = "") -> None:
        super().__init__(comment or COMMENTS[code])
        self.code = code
        self.comment = comment or COMMENTS[code]


@dataclass(frozen=True)
class AgentRequest:
    """A checked request: its command, the agent's transaction id, the account, the sum (kopecks) and date."""

    command: str
    txn_id: str
    account: str
    amount: int | None
    txn_date: datetime | None  # naive: the agent's wall clock


def _field(params: dict[str, str], name: str) -> str:
    value = params.get(name, "")
    if not isinstance(value, str) or len(value) > MAX_FIELD or "\x00" in value:
        raise ProtocolError(OTHER, f"invalid {name}")
    return value.strip()


def parse_request(params: dict[str, str]) -> AgentRequest:
    """Check the request's fields; raise :class:`ProtocolError` with the protocol's code for the first problem.

    ``txn_id`` is checked first, so that every answer can carry ``osmp_txn_id``.
    """
    command = _field(params, "command")
    txn_id = _field(params, "txn_id")
    if command not in COMMANDS:
        raise ProtocolError(OTHER, "unknown command")
    if not _TXN_ID.fullmatch(txn_id):
        raise ProtocolError(OTHER, "invalid txn_id")
    account = _field(params, "account")
    if not _ACCOUNT.fullmatch(account):
        raise ProtocolError(BAD_ACCOUNT)
    raw_sum = _field(params, "sum")
    amount: int | None = None
    if raw_sum or command == "pay":
        if not _SUM.fullmatch(raw_sum):
            raise ProtocolError(OTHER, "invalid sum")
        try:
            amount = parse_money(raw_sum, "wire")
        except AmountError:
            raise ProtocolError(OTHER, "invalid sum") from None
        if amount <= 0:
            raise ProtocolError(TOO_SMALL)
    txn_date: datetime | None = None
    if command == "pay":
        raw_date = _field(params, "txn_date")
        if not _DATE.fullmatch(raw_date):
            raise ProtocolError(OTHER, "invalid txn_date")
        try:
            txn_date = datetime.strptime(raw_date, "%Y%m%d%H%M%S")
        except ValueError:
            raise ProtocolError(OTHER, "invalid txn_date") from None
    return AgentRequest(command, txn_id, account, amount, txn_date)


def safe_txn_id(params: dict[str, str]) -> str:
    """The request's ``txn_id`` if it is well-formed (to echo in an error answer), else ``""``."""
    value = params.get("txn_id", "")
    return value if isinstance(value, str) and _TXN_ID.fullmatch(value) else ""


def response_xml(
    code: int, *, txn_id: str = "", prv_txn: int | None = None, amount: int | None = None, comment: str = ""
) -> str:
    """The protocol's XML answer."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', "<response>"]
    parts.append(f"<osmp_txn_id>{escape(txn_id)}</osmp_txn_id>")
    if prv_txn is not None:
        parts.append(f"<prv_txn>{prv_txn}</prv_txn>")
    if amount is not None:
        parts.append(f"<sum>{format_money(amount, 'wire')}</sum>")
    parts.append(f"<result>{code}</result>")
    parts.append(f"<comment>{escape(comment or COMMENTS.get(code, ''))}</comment>")
    parts.append("</response>")
    return "\n".join(parts) + "\n"
