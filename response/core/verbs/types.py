"""An incident's type and the answers to its type's custom fields: checked when declaring, and
changed later with `set_type_and_fields` (one transaction: the change, its timeline entry, its
audit row and its announcement)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from response.core.errors import InvalidInput
from response.core.events import Change
from response.core.fields import FieldValue, clean_field_values, shown_value
from response.core.models import (
    AuditVerb,
    CustomField,
    CustomFieldValue,
    Incident,
    IncidentType,
    TimelineEvent,
)
from response.core.selectors import field_values_of, incident_types
from response.core.verbs._common import (
    UNSET,
    Actor,
    Unset,
    add_change_to_timeline,
    audit,
    changed,
    copy_state,
    lock_incident,
)


def check_incident_type(
    value: IncidentType | str | int | None, *, allow_archived: bool = False
) -> IncidentType | None:
    """Find a type by itself, its slug, name or id. An archived type is no longer offered: it
    is refused unless `allow_archived` (an incident keeps the type it has)."""
    if value is None or isinstance(value, IncidentType):
        found = value
    else:
        text = str(value).strip().lower()
        if not text:
            return None
        found = next(
            (
                t
                for t in incident_types(with_archived=True)
                if text in {t.slug.lower(), t.name.lower(), str(t.pk)}
            ),
            None,
        )
        if found is None:
            choices = ", ".join(t.slug for t in incident_types()) or "none are configured"
            raise InvalidInput(f"Unknown type “{value}”. Choose one of: {choices}.", field="type")
    if found is not None and found.archived and not allow_archived:
        raise InvalidInput(f"The type “{found.name}” is archived.", field="type")
    return found


def fields_of(incident_type: IncidentType | None) -> list[CustomField]:
    if incident_type is None:
        return []
    return list(incident_type.fields.order_by("order", "id"))


def check_field_values(
    incident_type: IncidentType | None,
    given: Mapping[str, Any] | None,
    *,
    current: Mapping[str, Any] | None = None,
) -> tuple[list[CustomField], dict[str, FieldValue]]:
    """The type's fields and the values to store (response.core.fields.clean_field_values)."""
    if incident_type is None:
        if given:
            raise InvalidInput("Custom fields need a type to belong to.", field="fields")
        return [], {}
    fields = fields_of(incident_type)
    values = clean_field_values([f.spec() for f in fields], given or {}, current=current)
    return fields, values


def write_field_values(
    incident: Incident, fields: list[CustomField], values: Mapping[str, FieldValue]
) -> None:
    """Make the incident's stored values exactly `values` (of `fields`, its type's)."""
    by_key = {f.key: f for f in fields}
    CustomFieldValue.objects.filter(incident=incident).exclude(
        field__in=[by_key[key] for key in values]
    ).delete()
    # One statement for every answer (two per answer with update_or_create), on the declare
    # form's path where Slack waits.
    CustomFieldValue.objects.bulk_create(
        [
            CustomFieldValue(incident=incident, field=by_key[key], value=value)
            for key, value in values.items()
        ],
        update_conflicts=True,
        unique_fields=["incident", "field"],
        update_fields=["value"],
    )


def _said(fields: list[CustomField], before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    parts = []
    for field in fields:
        old, new = before.get(field.key), after.get(field.key)
        if old == new:
            continue
        parts.append(
            f"{field.label} set to {shown_value(new)}"
            if new is not None
            else (f"{field.label} cleared")
        )
    return "; ".join(parts)


def set_type_and_fields(
    incident: Incident,
    *,
    incident_type: IncidentType | str | int | Unset | None = UNSET,
    fields: Mapping[str, Any] | Unset = UNSET,
    by: Actor = None,
) -> Incident:
    """Change the incident's type, the answers to its fields, or both.

    `fields` names only what changes (None clears a field); the others keep their values. A new
    type starts from its defaults: the previous type's answers do not belong to it."""
    with transaction.atomic():
        locked = lock_incident(incident)
        old_type = locked.type
        new_type = (
            old_type
            if incident_type is UNSET
            else check_incident_type(
                incident_type,
                allow_archived=old_type is not None and incident_type in (old_type, old_type.slug),
            )
        )
        type_changed = (old_type.pk if old_type else None) != (new_type.pk if new_type else None)
        before = field_values_of(locked)
        given = {} if fields is UNSET else dict(fields)
        type_fields, after = check_field_values(
            new_type, given, current=None if type_changed else before
        )
        if not type_changed and after == before:
            copy_state(incident, locked)
            return incident
        if type_changed:
            locked.type = new_type
        locked.updated_at = timezone.now()
        locked.save(update_fields=["type", "updated_at"] if type_changed else ["updated_at"])
        write_field_values(locked, type_fields, after)
        said = [f"Type changed to {new_type.name if new_type else 'none'}"] if type_changed else []
        if details := _said(type_fields, {} if type_changed else before, after):
            said.append(details)
        add_change_to_timeline(
            locked,
            kind=TimelineEvent.Kind.FIELD,
            text="; ".join(said),
            by=by,
            metadata={"fields": ["type", "fields"] if type_changed else ["fields"]},
        )
        audit(
            verb=AuditVerb.INCIDENT_UPDATED,
            obj=locked,
            incident=locked,
            by=by,
            before={"type": old_type.slug if old_type else None, "fields": before},
            after={"type": new_type.slug if new_type else None, "fields": after},
        )
        changed(locked, Change.UPDATED, by=by, fields=("type", "fields"))
    copy_state(incident, locked)
    incident.type = new_type
    return incident
