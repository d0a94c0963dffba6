"""What every verb shares: who did it, the audit row, the timeline entry, the announcement."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Any, Final

from django.db import models
from django.utils import timezone

from response.core.errors import InvalidInput, NotFound
from response.core.events import CHANGE_ORIGIN, Change, IncidentChanged, announce
from response.core.models import AuditEvent, AuditVerb, ExternalUser, Incident, TimelineEvent
from response.core.selectors import chat_account_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    Actor = ExternalUser | User | None
else:
    Actor = Any


class Unset(Enum):
    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


# A keyword argument left UNSET is not changed; None is a value ("no lead", "no due date").
# (An enum member, so that `x is not UNSET` narrows `str | Unset` to `str` for mypy.)
UNSET: Final = Unset.UNSET

# Clocks drift; a timestamp this far in the future is still accepted as "now".
CLOCK_SKEW = timedelta(minutes=5)


def actor_fields(by: Actor) -> dict[str, Any]:
    """The audit columns for whoever made a change."""
    if by is None:
        return {"actor": None, "actor_user": None, "actor_name": "Response"}
    if isinstance(by, ExternalUser):
        return {"actor": by, "actor_user": by.user_id and by.user, "actor_name": by.name}
    name = by.get_full_name() if hasattr(by, "get_full_name") else ""
    return {"actor": None, "actor_user": by, "actor_name": name or by.get_username()}


def display_name(by: Actor) -> str:
    """Who made a change, as people know them: their chat display name when they have one."""
    if by is not None and not isinstance(by, ExternalUser):
        by = chat_account_of(by) or by
    return str(actor_fields(by)["actor_name"])


def author_for(by: Actor) -> ExternalUser | None:
    """The chat user to show as the author of a timeline entry, when there is one."""
    if by is None or isinstance(by, ExternalUser):
        return by
    return chat_account_of(by)


def snapshot_value(value: Any) -> Any:
    """A JSON-friendly form of a field's value, for the audit log."""
    if isinstance(value, ExternalUser):
        return {"id": value.pk, "external_id": value.external_id, "name": value.name}
    if isinstance(value, models.Model):
        return {"id": value.pk, "name": str(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def audit(
    *,
    verb: AuditVerb,
    obj: models.Model,
    incident: Incident | None,
    by: Actor,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        verb=verb,
        incident=incident,
        object_type=obj._meta.model_name or "",
        object_id=str(obj.pk),
        before={k: snapshot_value(v) for k, v in (before or {}).items()},
        after={k: snapshot_value(v) for k, v in (after or {}).items()},
        **actor_fields(by),
    )


def add_change_to_timeline(
    incident: Incident,
    *,
    kind: str,
    text: str,
    by: Actor,
    metadata: dict[str, Any] | None = None,
    subject: ExternalUser | None = None,
) -> TimelineEvent:
    if origin := CHANGE_ORIGIN.get():
        metadata = {**(metadata or {}), "origin": origin.value}
        if kind != TimelineEvent.Kind.UPDATE:  # an update's text is what its author wrote
            text = f"{text} ({origin.phrase})"  # "Status changed to Identified (on the web)"
    return TimelineEvent.objects.create(
        incident=incident,
        kind=kind,
        text=text,
        author=author_for(by),
        subject=subject,
        metadata=metadata or {},
    )


def changed(
    incident: Incident,
    kind: Change,
    *,
    by: Actor,
    fields: tuple[str, ...] = (),
    object_id: int | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    announce(
        IncidentChanged(
            incident_id=incident.pk,
            kind=kind,
            fields=fields,
            actor_id=by.pk if isinstance(by, ExternalUser) else None,
            object_id=object_id,
            extra=extra or {},
            incident=incident,
            origin=(origin := CHANGE_ORIGIN.get()),
            actor_name=display_name(by) if origin else "",
        )
    )


def lock_incident(incident: Incident | int) -> Incident:
    """Re-read the incident inside the transaction, locking its row against concurrent verbs."""
    pk = incident.pk if isinstance(incident, Incident) else incident
    try:
        return (
            Incident.objects.select_for_update(of=("self",))
            .select_related("severity", "lead")
            .get(pk=pk)
        )
    except Incident.DoesNotExist:
        raise NotFound(f"Incident #{pk} does not exist.", field="incident_id") from None


def copy_state(target: Incident, source: Incident) -> None:
    """Bring the caller's instance up to date with what the verb wrote."""
    for f in Incident._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))
    for cached in ("severity", "lead", "reporter"):
        if Incident._meta.get_field(cached).is_cached(source):  # type: ignore[union-attr]
            setattr(target, cached, getattr(source, cached))


def clean_text(value: str | None, *, field: str, max_length: int, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"The {field} cannot be empty.", field=field)
    if len(text) > max_length:
        raise InvalidInput(
            f"The {field} is {len(text)} characters long; the limit is {max_length}.",
            field=field,
            extra={"max_length": max_length, "length": len(text)},
        )
    return text


def clean_past_time(value: datetime, *, field: str) -> datetime:
    if not isinstance(value, datetime) or timezone.is_naive(value):
        raise InvalidInput(f"The {field} needs a date, a time and a time zone.", field=field)
    if value > timezone.now() + CLOCK_SKEW:
        raise InvalidInput(f"The {field} cannot be in the future.", field=field)
    return value


def apply_changes(
    obj: models.Model, wanted: dict[str, Any], *, also: tuple[str, ...] = ()
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set the fields of `wanted` that differ on `obj` and save just those (plus `also`).
    Returns (before, after) of what really changed, for the audit row; ({}, {}) saves nothing."""
    before = {k: getattr(obj, k) for k, v in wanted.items() if getattr(obj, k) != v}
    after = {k: wanted[k] for k in before}
    if after:
        for name, value in after.items():
            setattr(obj, name, value)
        obj.save(update_fields=[*after, *also])
    return before, after
