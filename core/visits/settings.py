"""Per-tenant settings of technician visits (``settings`` namespace ``visits``)."""

from __future__ import annotations

import re

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates, validates_schema

from core.i18n import N_
from core.settings.service import get_settings
from core.settings.types import Settings, SettingsNamespace

NAMESPACE = "visits"
WINDOW = re.compile(r"^([01]\d|2[0-3])-([01]\d|2[0-4])$")
DEFAULT_REASONS = (
    ("no_internet", "Нет интернета"),
    ("no_tv", "Нет телевидения"),
    ("equipment", "Настройка оборудования"),
    ("other", "Другое"),
)
DEFAULT_WINDOWS = ("09-12", "12-15", "15-18")
DEFAULT_WORKING_DAYS = (1, 2, 3, 4, 5)


def window_hours(window: str) -> tuple[int, int]:
    """``"09-12"`` → ``(9, 12)``."""
    start, _, end = window.partition("-")
    return int(start), int(end)


class ReasonSchema(Schema):
    """One reason a subscriber may pick; ``code`` is stored on the request, ``title`` is shown."""

    class Meta:
        unknown = RAISE

    code = fields.String(
        required=True,
        validate=validate.Regexp(r"^[a-z0-9_]{1,40}$", error=N_("a code of lowercase latin letters, digits and _")),
    )
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))


class VisitSettings(Schema):
    """What subscribers may book: reasons, working days, time windows, capacity and horizon."""

    class Meta:
        unknown = RAISE

    reasons = fields.List(
        fields.Nested(ReasonSchema),
        load_default=lambda: [{"code": c, "title": t} for c, t in DEFAULT_REASONS],
        validate=validate.Length(min=1, max=30, error=N_("between 1 and 30 reasons")),
        metadata={"title": "Reasons"},
    )
    working_days = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=7, error=N_("a weekday from 1 (Monday) to 7 (Sunday)"))),
        load_default=lambda: list(DEFAULT_WORKING_DAYS),
        validate=validate.Length(min=1, error=N_("at least one working day")),
        metadata={"title": "Working days (ISO: 1 = Monday … 7 = Sunday)"},
    )
    windows = fields.List(
        fields.String(validate=validate.Regexp(WINDOW, error=N_("a time window like 09-12"))),
        load_default=lambda: list(DEFAULT_WINDOWS),
        validate=validate.Length(min=1, max=12, error=N_("between 1 and 12 time windows")),
        metadata={"title": "Time windows"},
    )
    slot_capacity = fields.Integer(
        load_default=2, validate=validate.Range(min=1, max=100), metadata={"title": "Visits per slot"}
    )
    horizon_days = fields.Integer(
        load_default=14, validate=validate.Range(min=1, max=90), metadata={"title": "Days ahead that can be booked"}
    )
    min_notice_days = fields.Integer(
        load_default=1,
        validate=validate.Range(min=0, max=30),
        metadata={"title": "Minimum notice, days (0 = today can be booked)"},
    )

    @validates("reasons")
    def _unique_reasons(self, value, **_kwargs) -> None:
        codes = [r["code"] for r in value]
        if len(set(codes)) != len(codes):
            raise ValidationError(N_("each reason code only once"))

    @validates("working_days")
    def _unique_days(self, value, **_kwargs) -> None:
        if len(set(value)) != len(value):
            raise ValidationError(N_("each weekday only once"))

    @validates("windows")
    def _ordered_windows(self, value, **_kwargs) -> None:
        if len(set(value)) != len(value):
            raise ValidationError(N_("each time window only once"))
        for window in value:
            if WINDOW.match(window):
                start, end = window_hours(window)
                if start >= end:
                    raise ValidationError(f"{window}: the window must end after it starts")

    @validates_schema(skip_on_field_errors=False)
    def _notice_within_horizon(self, data, **_kwargs) -> None:
        notice, horizon = data.get("min_notice_days"), data.get("horizon_days")
        if notice is not None and horizon is not None and notice > horizon:
            raise ValidationError(N_("not more than the days ahead that can be booked"), field_name="min_notice_days")


def visit_settings() -> Settings:
    """The current tenant's visit settings, defaults filled in (windows and days sorted)."""
    values = get_settings(NAMESPACE)
    return values.replace(windows=sorted(values.windows, key=window_hours), working_days=sorted(values.working_days))


SETTINGS = SettingsNamespace(NAMESPACE, VisitSettings)
