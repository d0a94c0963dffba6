"""Verbs on follow-up actions and timeline entries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from response.core.errors import InvalidInput, NotFound
from response.core.events import Change
from response.core.models import Action, AuditVerb, ExternalUser, Incident, TimelineEvent
from response.core.verbs._common import (
    UNSET,
    Actor,
    Unset,
    add_change_to_timeline,
    apply_changes,
    audit,
    author_for,
    changed,
    clean_text,
    lock_incident,
)
from response.core.verbs.incident import TEXT_MAX_LENGTH

ACTION_FIELDS = ("text", "owner", "due_date", "priority", "external_url")


# A verb on an action or an entry locks its incident, then reads the row again: whoever called it
# found the row before the lock, and another writer may have removed it since. Gone is NotFound
# (a 404), never a DoesNotExist (a 500).


def _current_action(action: Action) -> Action:
    try:
        return Action.objects.select_related("owner").get(pk=action.pk)
    except Action.DoesNotExist:
        raise NotFound(f"Follow-up action #{action.pk} was removed.", field="action_id") from None


def _current_entry(entry: TimelineEvent) -> TimelineEvent:
    try:
        return TimelineEvent.objects.get(pk=entry.pk)
    except TimelineEvent.DoesNotExist:
        raise NotFound(f"Timeline entry #{entry.pk} was removed.", field="event_id") from None


def _check_priority(priority: str) -> str:
    if priority not in Action.Priority.values:
        raise InvalidInput(
            f"Unknown priority “{priority}”. Choose one of: {', '.join(Action.Priority.values)}.",
            field="priority",
        )
    return priority


def _check_due_date(due_date: date | None) -> date | None:
    if due_date is not None and (isinstance(due_date, datetime) or not isinstance(due_date, date)):
        raise InvalidInput("The due date must be a date.", field="due_date")
    return due_date


def add_action(
    incident: Incident,
    text: str,
    *,
    owner: ExternalUser | None = None,
    due_date: date | None = None,
    priority: str = Action.Priority.MEDIUM,
    external_url: str = "",
    by: Actor = None,
) -> Action:
    text = clean_text(text, field="action", max_length=TEXT_MAX_LENGTH, required=True)
    _check_priority(priority)
    _check_due_date(due_date)
    with transaction.atomic():
        locked = lock_incident(incident)
        action = Action.objects.create(
            incident=locked,
            text=text,
            owner=owner,
            due_date=due_date,
            priority=priority,
            external_url=external_url or "",
            created_by=author_for(by),
        )
        add_change_to_timeline(
            locked,
            kind=TimelineEvent.Kind.ACTION,
            text=f"Follow-up action added: {text}",
            by=by,
            metadata={"action_id": action.pk},
        )
        audit(
            verb=AuditVerb.ACTION_ADDED,
            obj=action,
            incident=locked,
            by=by,
            after={k: getattr(action, k) for k in ACTION_FIELDS},
        )
        changed(locked, Change.ACTION_ADDED, by=by, object_id=action.pk)
    return action


def update_action(
    action: Action,
    *,
    text: str | Unset = UNSET,
    owner: ExternalUser | Unset | None = UNSET,
    due_date: date | Unset | None = UNSET,
    priority: str | Unset = UNSET,
    external_url: str | Unset = UNSET,
    by: Actor = None,
) -> Action:
    wanted: dict[str, Any] = {}
    if text is not UNSET:
        wanted["text"] = clean_text(text, field="action", max_length=TEXT_MAX_LENGTH, required=True)
    if owner is not UNSET:
        wanted["owner"] = owner
    if due_date is not UNSET:
        wanted["due_date"] = _check_due_date(due_date)
    if priority is not UNSET:
        wanted["priority"] = _check_priority(priority)
    if external_url is not UNSET:
        wanted["external_url"] = external_url or ""
    with transaction.atomic():
        lock_incident(action.incident_id)
        current = _current_action(action)
        before, after = apply_changes(current, wanted)
        if after:
            audit(
                verb=AuditVerb.ACTION_UPDATED,
                obj=current,
                incident=current.incident,
                by=by,
                before=before,
                after=after,
            )
            changed(current.incident, Change.ACTION_UPDATED, by=by, object_id=current.pk)
    for name, value in after.items():
        setattr(action, name, value)
    return action


def complete_action(action: Action, *, by: Actor = None, done: bool = True) -> Action:
    """Mark a follow-up action done (or, with done=False, not done after all)."""
    with transaction.atomic():
        lock_incident(action.incident_id)
        current = _current_action(action)
        if current.done == done:
            action.done, action.done_at = current.done, current.done_at
            return action
        current.done = done
        current.done_at = timezone.now() if done else None
        current.save(update_fields=["done", "done_at"])
        audit(
            verb=AuditVerb.ACTION_COMPLETED if done else AuditVerb.ACTION_REOPENED,
            obj=current,
            incident=current.incident,
            by=by,
            before={"done": not done},
            after={"done": done},
        )
        changed(current.incident, Change.ACTION_UPDATED, by=by, object_id=current.pk)
    action.done, action.done_at = current.done, current.done_at
    return action


def add_timeline_event(
    incident: Incident,
    text: str,
    *,
    timestamp: datetime | None = None,
    kind: str = TimelineEvent.Kind.NOTE,
    author: ExternalUser | None = None,
    source: str | None = None,
    url: str = "",
    metadata: dict[str, Any] | None = None,
    by: Actor = None,
) -> TimelineEvent:
    """Add an entry. With a `source` (a Slack message, say) adding it twice returns the first."""
    text = clean_text(text, field="text", max_length=TEXT_MAX_LENGTH, required=True)
    if kind not in TimelineEvent.Kind.values:
        raise InvalidInput(f"Unknown timeline entry kind “{kind}”.", field="kind")
    if timestamp is not None and timezone.is_naive(timestamp):
        raise InvalidInput("The time needs a time zone.", field="timestamp")
    if source and (
        existing := TimelineEvent.objects.filter(incident=incident, source=source).first()
    ):
        return existing
    try:
        with transaction.atomic():
            locked = lock_incident(incident)
            entry = TimelineEvent.objects.create(
                incident=locked,
                text=text,
                timestamp=timestamp or timezone.now(),
                kind=kind,
                author=author if author is not None else author_for(by),
                source=source or None,
                url=url or "",
                metadata=metadata or {},
            )
            audit(
                verb=AuditVerb.TIMELINE_ADDED,
                obj=entry,
                incident=locked,
                by=by,
                after={"text": text, "timestamp": entry.timestamp, "source": source},
            )
            changed(locked, Change.TIMELINE_ADDED, by=by, object_id=entry.pk)
    except IntegrityError:
        if source and (
            existing := TimelineEvent.objects.filter(incident=incident, source=source).first()
        ):
            return existing
        raise
    return entry


def edit_timeline_event(
    entry: TimelineEvent,
    *,
    text: str | Unset = UNSET,
    timestamp: datetime | Unset = UNSET,
    metadata: dict[str, Any] | Unset = UNSET,
    by: Actor = None,
) -> TimelineEvent:
    wanted: dict[str, Any] = {}
    if text is not UNSET:
        wanted["text"] = clean_text(text, field="text", max_length=TEXT_MAX_LENGTH, required=True)
    if timestamp is not UNSET:
        if not isinstance(timestamp, datetime) or timezone.is_naive(timestamp):
            raise InvalidInput("The time needs a date, a time and a time zone.", field="timestamp")
        wanted["timestamp"] = timestamp
    if metadata is not UNSET:
        wanted["metadata"] = metadata
    with transaction.atomic():
        locked = lock_incident(entry.incident_id)
        current = _current_entry(entry)
        if "text" in wanted and current.subject_id is not None and wanted["text"] != current.text:
            wanted["subject_id"] = None  # someone's own words now, not Response's
        before, after = apply_changes(current, wanted)
        if after:
            audit(
                verb=AuditVerb.TIMELINE_EDITED,
                obj=current,
                incident=locked,
                by=by,
                before=before,
                after=after,
            )
            changed(locked, Change.TIMELINE_EDITED, by=by, object_id=current.pk)
    for name, value in after.items():
        setattr(entry, name, value)
    return entry


def remove_timeline_event(entry: TimelineEvent, *, by: Actor = None) -> None:
    """Remove an entry; NotFound when it is already gone (someone else removed it first)."""
    with transaction.atomic():
        locked = lock_incident(entry.incident_id)
        current = _current_entry(entry)
        audit(
            verb=AuditVerb.TIMELINE_REMOVED,
            obj=current,
            incident=locked,
            by=by,
            before={"text": current.text, "timestamp": current.timestamp, "source": current.source},
        )
        current.delete()
        changed(locked, Change.TIMELINE_REMOVED, by=by, object_id=entry.pk)


def remove_timeline_event_by_source(incident: Incident, source: str, *, by: Actor = None) -> bool:
    """Remove the entry that came from `source` (an unpinned message); False when there was none."""
    entry = TimelineEvent.objects.filter(incident=incident, source=source).first()
    if entry is None:
        return False
    try:
        remove_timeline_event(entry, by=by)
    except NotFound:
        return False  # removed by someone else since: there is nothing left to remove
    return True


__all__ = [
    "add_action",
    "add_timeline_event",
    "complete_action",
    "edit_timeline_event",
    "remove_timeline_event",
    "remove_timeline_event_by_source",
    "update_action",
]
