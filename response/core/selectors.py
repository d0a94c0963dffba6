"""Reads. Nouns, not verbs; each returns a queryset or plain data and writes nothing."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from response.core.fields import shown_value
from response.core.models import (
    AuditEvent,
    AuditVerb,
    CustomFieldValue,
    ExternalUser,
    Incident,
    IncidentType,
    Participant,
    RoleAssignment,
    Severity,
    TimelineEvent,
)
from response.core.models.incident import OPEN_STATUSES
from response.core.roles import Role, all_roles

# Severities change in the admin, rarely, and every change of severity reads them all.
_severities: list[Severity] | None = None


# Whoever a request is from: a signed-in user, or nobody.
AnyUser = User | AnonymousUser


def severities() -> list[Severity]:
    """Every severity, most severe first (remembered by this process until one changes)."""
    global _severities
    if _severities is None:
        _severities = list(Severity.objects.order_by("rank"))
    return _severities


def forget_severities(**kwargs: Any) -> None:
    global _severities
    _severities = None


# Incident types change in the admin, rarely, and every declare form, list and chart asks for
# them: remembered for a while (another process's change shows within that time).
TYPES_REMEMBERED_FOR = 30.0  # seconds
_incident_types: tuple[float, list[IncidentType]] | None = None


def incident_types(*, with_archived: bool = False) -> list[IncidentType]:
    """The incident types in their order; those still offered unless `with_archived`."""
    global _incident_types
    now = time.monotonic()
    if _incident_types is None or now - _incident_types[0] > TYPES_REMEMBERED_FOR:
        _incident_types = (now, list(IncidentType.objects.order_by("order", "name")))
    return [t for t in _incident_types[1] if with_archived or not t.archived]


def forget_incident_types(**kwargs: Any) -> None:
    global _incident_types
    _incident_types = None


def with_field_values(incidents: Iterable[Incident]) -> None:
    """Load the custom field values of those incidents that have a type, in one query (none
    when no incident has a type), for `field_values_of` and `shown_fields_of` to read."""
    typed = [incident for incident in incidents if incident.type_id is not None]
    if typed:
        prefetch_related_objects(
            typed,
            Prefetch("field_values", queryset=CustomFieldValue.objects.select_related("field")),
        )


def _values(incident: Incident) -> list[CustomFieldValue]:
    if incident.type_id is None:
        return []
    if "field_values" in getattr(incident, "_prefetched_objects_cache", {}):
        return list(incident.field_values.all())  # loaded by with_field_values
    return list(incident.field_values.select_related("field"))


def field_values_of(incident: Incident) -> dict[str, Any]:
    """{field key: value} of the incident's answers; no query for an incident without a type."""
    return {value.field.key: value.value for value in _values(incident)}


@dataclass(frozen=True)
class ShownField:
    key: str
    label: str
    kind: str
    value: Any

    @property
    def text(self) -> str:
        return shown_value(self.value)


def shown_fields_of(incident: Incident) -> list[ShownField]:
    """The incident's answers in its type's order, with their labels, for pages and posts."""
    values = sorted(_values(incident), key=lambda v: (v.field.order, v.field_id))
    return [ShownField(v.field.key, v.field.label, v.field.kind, v.value) for v in values]


def chat_account_of(user: AnyUser | None) -> ExternalUser | None:
    """The chat account linked to a Django user (the oldest, if several are), or None: the one
    place that answers "who is this person in chat?" for the web UI, the API and the verbs."""
    if not isinstance(user, User):  # nobody, or not signed in
        return None
    return ExternalUser.objects.filter(user=user).order_by("id").first()


def visible_incidents(user: AnyUser | None) -> QuerySet[Incident]:
    """Incidents this Django user may see. Private ones only for staff and the people involved:
    reporter, lead or participant through the chat accounts linked to the user, or whoever
    declared it from the web UI or the API (known from the audit log)."""
    incidents = Incident.objects.all()
    if user is not None and getattr(user, "is_staff", False):
        return incidents
    public = Q(is_private=False)
    if user is None or not user.is_authenticated:
        return incidents.filter(public)
    # Found from the user's side (their chat accounts, then the incidents those reported, led or
    # joined), so each subquery reads a foreign-key index instead of every private incident.
    accounts = ExternalUser.objects.filter(user=user).values("pk")
    private = Incident.objects.filter(is_private=True)
    reported = private.filter(reporter__in=accounts).values("pk")
    led = private.filter(lead__in=accounts).values("pk")
    joined = Participant.objects.filter(user__in=accounts).values("incident_id")
    declared = AuditEvent.objects.filter(verb=AuditVerb.INCIDENT_DECLARED, actor_user=user).values(
        "incident_id"
    )
    return incidents.filter(
        public | Q(pk__in=reported) | Q(pk__in=led) | Q(pk__in=joined) | Q(pk__in=declared)
    )


def open_incidents() -> QuerySet[Incident]:
    return Incident.objects.filter(status__in=OPEN_STATUSES).select_related("severity", "lead")


def timeline_of(incident: Incident) -> QuerySet[TimelineEvent]:
    """An incident's timeline, oldest first, with each entry's author: the web page, the
    write-up and the API read it from here."""
    return incident.timeline_events.select_related("author", "subject").order_by("timestamp", "id")


@dataclass(frozen=True)
class RoleHolder:
    """One role of an incident and who holds it (None: nobody yet)."""

    role: Role
    holder: ExternalUser | None


def role_holders(incident: Incident, *, held_only: bool = False) -> list[RoleHolder]:
    """Every role of the catalogue with its holder, the lead first (read from the incident,
    with its `lead` loaded: one query for the rest), then any role held that the catalogue no
    longer declares, under its slug."""
    assignments = {
        a.role: a.holder
        for a in RoleAssignment.objects.filter(incident=incident).select_related("holder")
    }
    holders = [
        RoleHolder(role, incident.lead if role.is_lead else assignments.pop(role.slug, None))
        for role in all_roles()
    ]
    holders += [
        RoleHolder(Role(slug=slug, name=slug), person) for slug, person in assignments.items()
    ]
    return [h for h in holders if h.holder is not None] if held_only else holders
