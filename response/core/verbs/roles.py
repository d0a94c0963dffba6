"""Verbs on an incident's roles: give one to a person, or take it back.

The lead is a role too, kept in `Incident.lead`: assigning it is `set_lead`, so everything that
follows the lead (its announcement, the reminders) keeps working as it did."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from response.core.errors import InvalidInput
from response.core.events import Change
from response.core.models import AuditVerb, ExternalUser, Incident, RoleAssignment, TimelineEvent
from response.core.roles import Role, check_role
from response.core.verbs._common import (
    Actor,
    add_change_to_timeline,
    audit,
    author_for,
    changed,
    copy_state,
    display_name,
    lock_incident,
)
from response.core.verbs.incident import set_lead


def assign_role(
    incident: Incident, role: Role | str, person: ExternalUser, *, by: Actor = None
) -> Incident:
    """Make `person` the holder of `role` (a slug, a name or an alias: "comms", "Scribe").
    Assigning a role to whoever holds it already changes nothing and announces nothing."""
    role = check_role(role)
    if person.is_bot:
        raise InvalidInput(f"{person.name} is a bot; a role needs a person.", field="person")
    if role.is_lead:
        return set_lead(incident, person, by=by)
    with transaction.atomic():
        locked = lock_incident(incident)
        current = (
            RoleAssignment.objects.select_for_update()
            .select_related("holder")
            .filter(incident=locked, role=role.slug)
            .first()
        )
        if current is not None and current.holder_id == person.pk:
            copy_state(incident, locked)
            return incident
        previous = current.holder if current is not None else None
        assigned_by = author_for(by)
        fields = {
            "holder": person,
            "assigned_at": timezone.now(),
            "assigned_by": assigned_by,
            "assigned_by_name": display_name(by),
        }
        if current is None:
            RoleAssignment.objects.create(incident=locked, role=role.slug, **fields)
        else:
            for name, value in fields.items():
                setattr(current, name, value)
            current.save(update_fields=list(fields))
        was = f" (was {previous.name})" if previous else ""
        _record(
            locked, role, person, previous, text=f"{person.name} is now {role.name}{was}", by=by
        )
    copy_state(incident, locked)
    return incident


def unassign_role(incident: Incident, role: Role | str, *, by: Actor = None) -> Incident:
    """Nobody holds `role` any more; nothing happens when nobody did."""
    role = check_role(role)
    if role.is_lead:
        return set_lead(incident, None, by=by)
    with transaction.atomic():
        locked = lock_incident(incident)
        current = (
            RoleAssignment.objects.select_for_update()
            .select_related("holder")
            .filter(incident=locked, role=role.slug)
            .first()
        )
        if current is not None:
            previous = current.holder
            current.delete()
            text = f"Nobody is {role.name} now (was {previous.name})"
            _record(locked, role, None, previous, text=text, by=by)
    copy_state(incident, locked)
    return incident


def _record(
    incident: Incident,
    role: Role,
    holder: ExternalUser | None,
    previous: ExternalUser | None,
    *,
    text: str,
    by: Actor,
) -> None:
    """The timeline entry, the audit row and the announcement of a role changing hands."""
    incident.updated_at = timezone.now()
    incident.save(update_fields=["updated_at"])
    add_change_to_timeline(
        incident,
        kind=TimelineEvent.Kind.ROLE,
        text=text,
        by=by,
        subject=holder,
        metadata={
            "role": role.slug,
            "previous": previous.pk if previous else None,
            "named": holder.name if holder else "",  # the text's first words: the holder's name
        },
    )
    audit(
        verb=AuditVerb.INCIDENT_ROLE_CHANGED,
        obj=incident,
        incident=incident,
        by=by,
        before={"role": role.slug, "holder": previous},
        after={"role": role.slug, "holder": holder},
    )
    changed(
        incident,
        Change.ROLE,
        by=by,
        fields=("roles",),
        object_id=holder.pk if holder else None,
        extra={"role": role.slug, "previous": previous.pk if previous else None},
    )
