"""The key times of an incident (KEY_TIMES): set by the other verbs where the product knows them,
corrected by people with `set_key_times`, always in an order that makes sense."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from response.core.errors import InvalidInput
from response.core.events import Change
from response.core.models import AuditVerb, Incident, Status, TimelineEvent
from response.core.models.incident import KEY_TIME_ORDER, KEY_TIMES
from response.core.verbs._common import (
    UNSET,
    Actor,
    Unset,
    add_change_to_timeline,
    audit,
    changed,
    clean_past_time,
    copy_state,
    lock_incident,
)

LABELS = dict(KEY_TIMES)
# What people may correct; "reported" is when Response heard of it, a fact of its own.
EDITABLE = ("started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at")


def shown(moment: datetime) -> str:
    """A time in a refusal or a timeline entry: "01 Mar 2026 09:10 UTC" (with its year: a typo
    in the year is a likely reason for a time out of order)."""
    return f"{moment.astimezone(UTC):%d %b %Y %H:%M} UTC"


def check_key_time_order(
    times: dict[str, datetime | None], *, edited: Collection[str] = ()
) -> None:
    """Refuse times out of order, naming both and why. The refusal is the edited field's (a form
    shows it by the field the person changed): "Mitigated (…) cannot be before detected (…)"
    when mitigated was edited, "Impact started (…) cannot be after detected (…)" when the start
    was."""
    broken = [
        (earlier, later)
        for earlier, later in KEY_TIME_ORDER
        if (first := times.get(earlier)) is not None
        and (then := times.get(later)) is not None
        and then < first
    ]
    if not broken:
        return
    # Blame a time the person changed, the later one first; otherwise the first pair broken.
    earlier, later = next(
        (pair for pair in broken if pair[1] in edited),
        next((pair for pair in broken if pair[0] in edited), broken[0]),
    )
    first, then = times[earlier], times[later]
    assert first is not None and then is not None
    if later in edited or earlier not in edited:
        raise InvalidInput(
            f"{LABELS[later]} ({shown(then)}) cannot be before "
            f"{LABELS[earlier].lower()} ({shown(first)}).",
            field=later,
        )
    raise InvalidInput(
        f"{LABELS[earlier]} ({shown(first)}) cannot be after "
        f"{LABELS[later].lower()} ({shown(then)}).",
        field=earlier,
    )


def key_times_of(incident: Incident) -> dict[str, datetime | None]:
    return {name: getattr(incident, name) for name, _ in KEY_TIMES}


def note_known_times(incident: Incident, **moments: datetime) -> list[str]:
    """Set the key times the product has just learned (acknowledged when someone took the lead,
    mitigated when it reached monitoring), where nobody set them yet and the order allows it.
    Returns the fields set; the caller saves them with its own change."""
    noted = []
    for name, moment in moments.items():
        if getattr(incident, name) is not None:
            continue
        if _in_order({**key_times_of(incident), name: moment}):
            setattr(incident, name, moment)
            noted.append(name)
    return noted


def _in_order(times: dict[str, datetime | None]) -> bool:
    try:
        check_key_time_order(times)
    except InvalidInput:
        return False
    return True


def _following_the_resolution(
    incident: Incident, changes: dict[str, datetime | None]
) -> dict[str, datetime]:
    """Resolving noted "acknowledged and mitigated by then at the latest" at the resolution's
    time; a resolution corrected to earlier takes those along, unless they were given too."""
    old, new = incident.resolved_at, changes.get("resolved_at")
    if old is None or new is None or new >= old:
        return {}
    following: dict[str, datetime] = {}
    if "mitigated_at" not in changes and incident.mitigated_at == old:
        following["mitigated_at"] = new
    if "acknowledged_at" not in changes and incident.acknowledged_at == old:
        # Not after the mitigation, which someone may have set earlier.
        mitigated = following.get(
            "mitigated_at", changes.get("mitigated_at", incident.mitigated_at)
        )
        following["acknowledged_at"] = min(new, mitigated) if mitigated else new
    return following


def _past_time(name: str, value: datetime) -> datetime:
    """`clean_past_time`, its refusal saying the time as people call it."""
    try:
        return clean_past_time(value, field=name).astimezone(UTC)  # stored and said in UTC
    except InvalidInput as error:
        reason = "cannot be in the future" if "future" in error.message else "needs a time zone"
        raise InvalidInput(f"{LABELS[name]} {reason}.", field=name) from None


def set_key_times(
    incident: Incident,
    *,
    started_at: datetime | Unset = UNSET,
    detected_at: datetime | Unset | None = UNSET,
    acknowledged_at: datetime | Unset | None = UNSET,
    mitigated_at: datetime | Unset | None = UNSET,
    resolved_at: datetime | Unset = UNSET,
    by: Actor = None,
) -> Incident:
    """Correct key times (None clears one that may be unknown). Times in the future, out of
    order, or a resolution time for an incident not resolved are refused."""
    given: dict[str, Any] = {
        "started_at": started_at,
        "detected_at": detected_at,
        "acknowledged_at": acknowledged_at,
        "mitigated_at": mitigated_at,
        "resolved_at": resolved_at,
    }
    wanted = {
        name: value if value is None else _past_time(name, value)
        for name, value in given.items()
        if value is not UNSET
    }
    for name in ("started_at", "resolved_at"):
        if name in wanted and wanted[name] is None:
            raise InvalidInput(f"{LABELS[name]} cannot be unknown.", field=name)
    with transaction.atomic():
        locked = lock_incident(incident)
        if wanted.get("resolved_at") and locked.status not in (Status.RESOLVED, Status.REPORTED):
            raise InvalidInput(
                "Only a resolved incident has a resolution time.", field="resolved_at"
            )
        changes = {k: v for k, v in wanted.items() if getattr(locked, k) != v}
        if not changes:
            copy_state(incident, locked)
            return incident
        changes.update(_following_the_resolution(locked, changes))
        check_key_time_order({**key_times_of(locked), **changes}, edited=changes)
        before = {name: getattr(locked, name) for name in changes}
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.updated_at = timezone.now()
        locked.save(update_fields=[*changes, "updated_at"])
        said = ", ".join(
            f"{LABELS[name].lower()} {shown(value) if value else 'unknown'}"
            for name, value in changes.items()
        )
        add_change_to_timeline(
            locked,
            kind=TimelineEvent.Kind.FIELD,
            text=f"Key times corrected: {said}",
            by=by,
            metadata={"fields": sorted(changes)},
        )
        audit(
            verb=AuditVerb.INCIDENT_UPDATED,
            obj=locked,
            incident=locked,
            by=by,
            before=before,
            after=changes,
        )
        changed(locked, Change.UPDATED, by=by, fields=tuple(changes))
    copy_state(incident, locked)
    return incident
