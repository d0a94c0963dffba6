"""Verbs of triage: an alert opens a triage incident, which a person accepts (it is declared
then), declines with a reason, or merges into an incident already open.

A triage incident has no channel and no headline post: adapters react to `Change.TRIAGED`,
`DECLINED` and `MERGED` as they see fit, and accepting announces `Change.DECLARED`, so whatever
declaring does (channel, headline, invitations, reminders) happens then, and only then."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from response.core.errors import InvalidInput, InvalidTransition
from response.core.events import Change
from response.core.models import (
    AuditVerb,
    ExternalUser,
    Incident,
    Severity,
    Status,
    TimelineEvent,
)
from response.core.models.incident import OPEN_STATUSES, TITLE_MAX_LENGTH
from response.core.verbs._common import (
    Actor,
    add_change_to_timeline,
    audit,
    changed,
    clean_text,
    copy_state,
    lock_incident,
)
from response.core.verbs.incident import TEXT_MAX_LENGTH, check_severity
from response.core.verbs.times import note_known_times

REASON_MAX_LENGTH = 2_000


def open_triage_incident(
    *,
    title: str,
    summary: str = "",
    severity: Severity | str | int | None = None,
    started_at: datetime | None = None,
    dedup_key: str,
    by: Actor = None,
) -> tuple[Incident, bool]:
    """A triage incident for an alert; (the incident, whether this call opened it). The same
    `dedup_key` again, even from a call racing this one, returns the first incident."""
    title = clean_text(title, field="title", max_length=TITLE_MAX_LENGTH, required=True)
    summary = clean_text(summary, field="summary", max_length=TEXT_MAX_LENGTH)
    try:
        severity = check_severity(severity)
    except InvalidInput:
        severity = None  # an alert's label is a hint, not a choice a person made
    now = timezone.now()
    # The sender's clock says when it began: a hint, kept unless it is in our future.
    started_at = min(started_at, now) if started_at and timezone.is_aware(started_at) else now
    if existing := Incident.objects.filter(dedup_key=dedup_key).first():
        return existing, False
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                title=title,
                summary=summary,
                severity=severity,
                status=Status.TRIAGE,
                started_at=started_at,
                detected_at=now,  # the alert reached us: detected, by a machine
                reported_at=now,
                last_update_at=now,
                dedup_key=dedup_key,
                created_at=now,
                updated_at=now,
            )
            TimelineEvent.objects.create(
                incident=incident,
                kind=TimelineEvent.Kind.STATUS,
                timestamp=now,
                text=f"Opened for triage: {title}",
            )
            audit(
                verb=AuditVerb.INCIDENT_TRIAGE_OPENED,
                obj=incident,
                incident=incident,
                by=by,
                after={
                    "title": title,
                    "summary": summary,
                    "severity": severity.slug if severity else None,
                    "status": incident.status,
                    "started_at": started_at,
                },
            )
            changed(incident, Change.TRIAGED, by=by)
    except IntegrityError:
        if existing := Incident.objects.filter(dedup_key=dedup_key).first():
            return existing, False
        raise
    return incident, True


def accept_triage(incident: Incident, *, by: Actor = None) -> Incident:
    """It is a real incident: investigating from now on, declared as if it had been typed."""
    with transaction.atomic():
        locked = _lock_in_triage(incident, "accepted")
        now = timezone.now()
        locked.status = Status.INVESTIGATING
        locked.reported_at = locked.updated_at = locked.last_update_at = now
        if locked.reporter_id is None and isinstance(by, ExternalUser):
            locked.reporter = by
        noted = note_known_times(locked, acknowledged_at=now)  # someone took it on
        locked.save(
            update_fields=[
                "status",
                "reported_at",
                "updated_at",
                "last_update_at",
                "reporter",
                *noted,
            ]
        )
        add_change_to_timeline(
            locked, kind=TimelineEvent.Kind.DECLARED, text="Accepted from triage", by=by
        )
        audit(
            verb=AuditVerb.INCIDENT_TRIAGE_ACCEPTED,
            obj=locked,
            incident=locked,
            by=by,
            before={"status": Status.TRIAGE.value},
            after={"status": locked.status, "reporter": locked.reporter},
        )
        changed(locked, Change.DECLARED, by=by)
    copy_state(incident, locked)
    return incident


def decline_triage(incident: Incident, *, reason: str, by: Actor = None) -> Incident:
    """Not an incident: closed as declined, with the reason on its timeline."""
    reason = clean_text(reason, field="reason", max_length=REASON_MAX_LENGTH, required=True)
    with transaction.atomic():
        locked = _close_triage(incident, "declined", by=by, before_text=f"Declined: {reason}")
        audit(
            verb=AuditVerb.INCIDENT_TRIAGE_DECLINED,
            obj=locked,
            incident=locked,
            by=by,
            before={"status": Status.TRIAGE.value},
            after={"status": locked.status, "reason": reason},
        )
        changed(locked, Change.DECLINED, by=by, extra={"reason": reason})
    copy_state(incident, locked)
    return incident


def merge_triage(incident: Incident, *, into: Incident, by: Actor = None) -> Incident:
    """Part of an incident already open: noted on that incident's timeline, and closed."""
    if into.pk == incident.pk:
        raise InvalidInput("A triage incident cannot be merged into itself.", field="into")
    with transaction.atomic():
        # Both rows locked, the lower id first, so two merges across the same pair cannot
        # deadlock.
        first, second = sorted((incident.pk, into.pk))
        lock_incident(first)
        lock_incident(second)
        target = lock_incident(into)
        if target.status not in OPEN_STATUSES:
            raise InvalidTransition(
                f"Incident #{target.pk} is not open: merge into an open incident.", field="into"
            )
        locked = _close_triage(
            incident, "merged", by=by, before_text=f"Merged into incident #{target.pk}"
        )
        entry = add_change_to_timeline(
            target,
            kind=TimelineEvent.Kind.NOTE,
            text=f"Alert merged in from triage incident #{locked.pk}: {locked.title}",
            by=by,
            metadata={"merged_from": locked.pk},
        )
        audit(
            verb=AuditVerb.INCIDENT_TRIAGE_MERGED,
            obj=locked,
            incident=locked,
            by=by,
            before={"status": Status.TRIAGE.value},
            after={"status": locked.status, "into": target.pk},
        )
        changed(locked, Change.MERGED, by=by, extra={"into": target.pk})
        changed(target, Change.TIMELINE_ADDED, by=by, object_id=entry.pk)
    copy_state(incident, locked)
    return incident


def _lock_in_triage(incident: Incident, becoming: str) -> Incident:
    locked = lock_incident(incident)
    if locked.status != Status.TRIAGE:
        raise InvalidTransition(
            f"Incident #{locked.pk} is not in triage any more ({locked.get_status_display()}): "
            f"it cannot be {becoming}.",
            field="status",
        )
    return locked


def _close_triage(incident: Incident, becoming: str, *, by: Actor, before_text: str) -> Incident:
    locked = _lock_in_triage(incident, becoming)
    locked.status = Status.DECLINED
    locked.resolved_at = locked.updated_at = locked.last_update_at = timezone.now()
    locked.save(update_fields=["status", "resolved_at", "updated_at", "last_update_at"])
    add_change_to_timeline(locked, kind=TimelineEvent.Kind.STATUS, text=before_text, by=by)
    return locked
