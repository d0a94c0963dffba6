"""Frozen snapshots of what the renderers show: built from the database once, rendered purely."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SeverityChoice:
    slug: str
    name: str
    emoji: str
    rank: int


@dataclass(frozen=True)
class ServiceChoice:
    """A service of the catalog, as the declare modal and the services modal offer it."""

    slug: str
    name: str


@dataclass(frozen=True)
class RoleShown:
    """A role of an incident as Slack shows it (response.core.roles), and its holder's id."""

    slug: str
    name: str
    holder_id: str | None  # a Slack user id; None: nobody holds it
    description: str = ""
    instructions: str = ""


@dataclass(frozen=True)
class IncidentData:
    id: int
    title: str
    status: str  # the Status value, e.g. "investigating"
    status_label: str
    severity: SeverityChoice | None
    reporter_id: str | None  # Slack user ids
    lead_id: str | None
    summary: str
    impact: str
    is_open: bool
    is_private: bool
    is_report_only: bool
    comms_channel_id: str | None
    reported_ts: int  # Unix time, shown in each viewer's own zone with <!date^…>
    duration_text: str | None  # once closed
    # Buttons added with @headline_post_action, as (order, element); built-ins are 100/200/300.
    extra_buttons: tuple[tuple[int, dict], ...] = field(default=())
    # The roles held besides the lead, for the headline and the topic (read only for those).
    roles: tuple[RoleShown, ...] = field(default=())
    call_url: str = ""  # the call link posted in the channel, if any
    # Its type's name ("" without one) and the answers to the type's fields: (label, value).
    type_name: str = ""
    fields: tuple[tuple[str, Any], ...] = field(default=())
    # The names of the services it affects (read only for the headline: `with_services`).
    services: tuple[str, ...] = field(default=())
