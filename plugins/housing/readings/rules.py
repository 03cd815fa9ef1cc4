"""What a submitted meter reading means, decided before anything is written.

The rules residents meet, in one place (the seed's complaint is being billed "by the norm" after a reading that was
silently refused, so nothing here blocks silently: every outcome says what happens and why):

* **Window**: readings are taken from day ``opens`` to day ``closes`` of the month (default 20–25); a reading sent
  after the window counts for the next period. A correction inside the window replaces the earlier value.
* **Number**: a decimal comma or point, at most the meter's digits before it and three after.
* **A falling value** is a rollover when the meter's capacity explains it (e.g. 99 990 → 00 015 on a five-digit
  meter); otherwise it is accepted with a warning and goes to staff review — never refused.
* **A jump** above ``anomaly_factor`` × the average monthly use of up to the last six months asks the resident to
  confirm, and the confirmed value goes to the review queue.
* **Expired verification** (поверка): the reading is refused with the reason, and the resident is told what is
  billed instead (the average for up to three months, then the norm).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from core.api import N_
from plugins.housing.common.numbers import decimal_comma

ACCEPTED = "accepted"
CONFIRM = "confirm"  # the resident must confirm an unusual value
REFUSED = "refused"

ROLLOVER = N_("The meter went past its largest value and started again from zero.")
FALL = N_("The value is lower than the last one (%(previous)s). It is accepted and a staff member will check it.")

_NUMBER = re.compile(r"^\s*([0-9]+)(?:[.,]([0-9]{1,3}))?\s*$")


@dataclass(frozen=True)
class Window:
    """The days of the month when readings are taken (inclusive)."""

    opens: int = 20
    closes: int = 25

    def __post_init__(self) -> None:
        if not 1 <= self.opens <= self.closes <= 28:
            raise ValueError("the reading window lies within days 1–28 and opens before it closes")


@dataclass(frozen=True)
class MeterFacts:
    """What the rules need to know about a meter."""

    digits: int  # before the decimal point: the capacity is 10**digits
    next_verification: date | None
    previous: Decimal | None  # the last accepted value (the initial value for a new meter)
    monthly_uses: Sequence[Decimal] = ()  # use per month, latest last (up to the last six count)


@dataclass(frozen=True)
class Verdict:
    """The outcome for one value: what happens, the use it means, and the messages (msgids) that say why."""

    outcome: str
    period: date | None = None  # the first day of the month the reading counts for
    value: Decimal | None = None
    use: Decimal | None = None
    rollover: bool = False
    review: bool = False  # staff look at it (a fall that is no rollover, a confirmed jump)
    messages: tuple[str, ...] = field(default=())
    params: dict[str, str] = field(default_factory=dict)  # the values the messages name


def parse_value(text: str, digits: int) -> Decimal | None:
    """``"123,45"`` or ``"123.45"`` → ``Decimal("123.45")``; ``None`` when it is not a reading of this meter."""
    match = _NUMBER.match(text or "")
    if match is None or len(match.group(1).lstrip("0") or "0") > digits:
        return None
    return Decimal(f"{match.group(1)}.{match.group(2) or '0'}")


def period_for(day: date, window: Window) -> date:
    """The month a reading sent on ``day`` counts for: this one until the window closes, then the next."""
    if day.day <= window.closes:
        return day.replace(day=1)
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def judge(
    text: str,
    meter: MeterFacts,
    day: date,
    window: Window = Window(),
    anomaly_factor: Decimal = Decimal(3),
    *,
    confirmed: bool = False,
) -> Verdict:
    """Judge the value ``text`` typed for ``meter`` on ``day``."""
    if meter.next_verification is not None and meter.next_verification < day:
        return Verdict(
            REFUSED,
            params={"date": meter.next_verification.strftime("%d.%m.%Y")},
            messages=(
                N_("The meter's verification expired on %(date)s: a reading from it cannot be accepted."),
                N_(
                    "Until the meter is verified, the average of your last months is billed for up to three months, "
                    "then the norm."
                ),
            ),
        )
    value = parse_value(text, meter.digits)
    if value is None:
        return Verdict(REFUSED, messages=(N_("Enter the reading as a number, for example 123,45."),))
    period = period_for(day, window)
    notes: list[str] = []
    params = {"closes": str(window.closes), "previous": decimal_comma(meter.previous)}
    if day.day > window.closes:
        notes.append(N_("Readings for this month were taken until day %(closes)s: this one counts for next month."))
    if meter.previous is None:
        return Verdict(ACCEPTED, period, value, None, messages=tuple(notes), params=params)
    use, rollover, review = use_since(value, meter)
    if rollover:
        notes.append(ROLLOVER)
    elif review:
        notes.append(FALL)
    recent = list(meter.monthly_uses)[-6:]
    if not review and recent and use > 0:
        average = sum(recent, Decimal(0)) / len(recent)
        if average > 0 and use > anomaly_factor * average:
            if not confirmed:
                return Verdict(
                    CONFIRM,
                    period,
                    value,
                    use,
                    rollover,
                    params={**params, "average": decimal_comma(average.quantize(Decimal("0.001")))},
                    messages=(
                        *notes,
                        N_(
                            "This is much more than you usually use (about %(average)s a month). "
                            "Check the value and confirm it."
                        ),
                    ),
                )
            review = True
            notes.append(N_("You confirmed an unusually large use; a staff member will check it."))
    return Verdict(ACCEPTED, period, value, use, rollover, review, tuple(notes), params)


def use_since(value: Decimal, meter: MeterFacts) -> tuple[Decimal, bool, bool]:
    """The use ``value`` means after ``meter.previous`` (which must be known): (use, a rollover, a fall for the
    staff review). A fall the meter's capacity explains is a rollover; any other fall is a negative use to check."""
    assert meter.previous is not None
    use = value - meter.previous
    if use >= 0:
        return use, False, False
    wrapped = Decimal(10) ** meter.digits - meter.previous + value
    if _plausible_rollover(wrapped, meter):
        return wrapped, True, False
    return use, False, True


def _plausible_rollover(use: Decimal, meter: MeterFacts) -> bool:
    """A wrap is believable when the use it means is small next to the meter's capacity and its history."""
    capacity = Decimal(10) ** meter.digits
    if use >= capacity / 10:
        return False
    recent = list(meter.monthly_uses)[-6:]
    if not recent:
        return True
    average = sum(recent, Decimal(0)) / len(recent)
    return use <= max(average * 10, capacity / 1000)
