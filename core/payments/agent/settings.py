"""The tenant's ``payments.agent`` settings: the agent's credentials, its addresses and the limits."""

from __future__ import annotations

import ipaddress

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from core.i18n import N_


def networks(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``"79.142.16.0/20, 91.232.230.1"`` → networks; ``ValueError`` for anything that is not an address."""
    return [ipaddress.ip_network(item, strict=False) for item in text.replace(",", " ").split()]


def _check_networks(text: str) -> None:
    try:
        networks(text)
    except ValueError:
        raise ValidationError(N_("Addresses (or networks such as 10.0.0.0/24), separated by commas.")) from None


class AgentSettings(Schema):
    """A payment agent (QIWI/OSMP protocol). An empty address list lets no agent in (fail closed)."""

    class Meta:
        unknown = RAISE

    enabled = fields.Boolean(load_default=False, metadata={"title": N_("Agent payments on")})
    login = fields.String(
        load_default="",
        validate=validate.Regexp(r"^[A-Za-z0-9._-]{0,60}$"),
        metadata={"title": N_("Agent login"), "description": N_("The agent sends it with HTTP basic authentication.")},
    )
    password = fields.String(
        load_default="",
        validate=validate.Length(max=200),
        metadata={"title": N_("Agent password"), "secret": True},
    )
    allowed_ips = fields.String(
        load_default="",
        validate=[validate.Length(max=2000), _check_networks],
        metadata={
            "title": N_("Agent addresses"),
            "description": N_(
                "The agent's server addresses or networks, separated by commas; other addresses are refused."
            ),
        },
    )
    provider = fields.String(
        load_default="",
        validate=validate.Regexp(r"^[a-z0-9_-]{0,40}$"),
        metadata={
            "title": N_("Registry provider"),
            "description": N_(
                "The name of this agent's daily registry; empty means the registry layout's provider. "
                "The registry's payment id is the agent's transaction number, so no payment is counted twice."
            ),
        },
    )
    min_amount = fields.Integer(
        load_default=100, validate=validate.Range(min=1), metadata={"title": N_("Minimum, kopecks")}
    )
    max_amount = fields.Integer(
        load_default=15_000_000, validate=validate.Range(min=1), metadata={"title": N_("Maximum, kopecks")}
    )
