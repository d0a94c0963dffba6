"""Verbs on an incident: declare it, change its details, lead, severity and status."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from response.core.errors import InvalidInput, InvalidTransition
from response.core.events import Change
from response.core.models import (
    AuditVerb,
    ExternalUser,
    Incident,
    IncidentType,
    Severity,
    Status,
    TimelineEvent,
)
from response.core.models.incident import OPEN_STATUSES, TITLE_MAX_LENGTH
from response.core.selectors import severities
from response.core.verbs._common import (
    UNSET,
    Actor,
    Unset,
    add_change_to_timeline,
    apply_changes,
    audit,
    changed,
    clean_past_time,
    clean_text,
    copy_state,
    lock_incident,
)
from response.core.verbs.times import check_key_time_order, key_times_of, note_known_times
from response.core.verbs.types import check_field_values, check_incident_type, write_field_values

TEXT_MAX_LENGTH = 10_000
# How far ahead an update may promise the next one.
MAX_NEXT_UPDATE = timedelta(days=1)

# Where each status may go with set_status. Leaving "resolved" or "reported" is a reopen.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.INVESTIGATING: frozenset({Status.IDENTIFIED, Status.MONITORING, Status.RESOLVED}),
    Status.IDENTIFIED: frozenset({Status.INVESTIGATING, Status.MONITORING, Status.RESOLVED}),
    Status.MONITORING: frozenset({Status.INVESTIGATING, Status.IDENTIFIED, Status.RESOLVED}),
    Status.RESOLVED: frozenset(),
    Status.REPORTED: frozenset(),
    # Triage incidents move only through the triage verbs (response.core.verbs.triage).
    Status.TRIAGE: frozenset(),
    Status.DECLINED: frozenset(),
}

# The moment each status was first reached is kept in its own column.
STATUS_MILESTONES = {
    Status.IDENTIFIED: "identified_at",
    Status.MONITORING: "monitoring_at",
    Status.RESOLVED: "resolved_at",
}


# "sev1", "sev 1", "SEV-1", "p1": the rank, as responders write it.
SEVERITY_RANK = re.compile(r"(?:sev|p)[-_ ]?(\d+)")


def check_severity(value: Severity | str | int | None) -> Severity | None:
    """Find a severity by itself, slug, name or rank ("critical", "Critical", 1, "1", "p1")."""
    if value is None or isinstance(value, Severity):
        return value
    text = str(value).strip().lower()
    if shorthand := SEVERITY_RANK.fullmatch(text):  # how responders say it: sev1, sev-1, p1
        text = shorthand.group(1)
    for severity in severities():
        if text in {severity.slug.lower(), severity.name.lower(), str(severity.rank)}:
            return severity
    choices = ", ".join(f"{s.slug} ({s.rank})" for s in severities()) or "none are configured"
    raise InvalidInput(f"Unknown severity “{value}”. Choose one of: {choices}.", field="severity")


def check_status(value: Status | str) -> Status:
    try:
        return Status(str(value).strip().lower())
    except ValueError:
        choices = ", ".join(
            s.value for s in Status if s not in (Status.REPORTED, Status.TRIAGE, Status.DECLINED)
        )
        raise InvalidInput(
            f"Unknown status “{value}”. Choose one of: {choices}.", field="status"
        ) from None


def declare_incident(
    *,
    title: str,
    summary: str = "",
    impact: str = "",
    severity: Severity | str | int | None = None,
    lead: ExternalUser | None = None,
    reporter: ExternalUser | None = None,
    is_private: bool | None = None,
    is_report_only: bool = False,
    started_at: datetime | None = None,
    dedup_key: str | None = None,
    incident_type: IncidentType | str | int | None = None,
    fields: Mapping[str, Any] | None = None,
    by: Actor = None,
) -> Incident:
    """Record a new incident. With a `dedup_key`, declaring twice returns the first incident.

    With an `incident_type`, `fields` answers its custom fields (defaults fill what is left
    out), and `is_private=None` means "as the type has it" (`private_by_default`)."""
    incident, _ = declare_incident_once(
        title=title,
        summary=summary,
        impact=impact,
        severity=severity,
        lead=lead,
        reporter=reporter,
        is_private=is_private,
        is_report_only=is_report_only,
        started_at=started_at,
        dedup_key=dedup_key,
        incident_type=incident_type,
        fields=fields,
        by=by,
    )
    return incident


def declare_incident_once(
    *,
    title: str,
    summary: str = "",
    impact: str = "",
    severity: Severity | str | int | None = None,
    lead: ExternalUser | None = None,
    reporter: ExternalUser | None = None,
    is_private: bool | None = None,
    is_report_only: bool = False,
    started_at: datetime | None = None,
    dedup_key: str | None = None,
    incident_type: IncidentType | str | int | None = None,
    fields: Mapping[str, Any] | None = None,
    by: Actor = None,
) -> tuple[Incident, bool]:
    """`declare_incident`, also saying whether this call declared it: (the first incident, False)
    when its `dedup_key` was declared already, even by a call a moment before that was not
    committed yet when this one began."""
    title = clean_text(title, field="title", max_length=TITLE_MAX_LENGTH, required=True)
    summary = clean_text(summary, field="summary", max_length=TEXT_MAX_LENGTH)
    impact = clean_text(impact, field="impact", max_length=TEXT_MAX_LENGTH)
    severity = check_severity(severity)
    incident_type = check_incident_type(incident_type)
    type_fields, field_values = check_field_values(incident_type, fields)
    if is_private is None:
        is_private = bool(incident_type and incident_type.private_by_default)
    now = timezone.now()
    started_at = clean_past_time(started_at, field="start time") if started_at else now
    if dedup_key and (existing := Incident.objects.filter(dedup_key=dedup_key).first()):
        return existing, False
    if reporter is None and isinstance(by, ExternalUser):
        reporter = by

    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                title=title,
                summary=summary,
                impact=impact,
                severity=severity,
                type=incident_type,
                lead=lead,
                reporter=reporter,
                is_private=is_private,
                is_report_only=is_report_only,
                status=Status.REPORTED if is_report_only else Status.INVESTIGATING,
                started_at=started_at,
                detected_at=max(started_at, now),  # by the time it was reported, at the latest
                reported_at=now,
                resolved_at=now if is_report_only else None,
                last_update_at=now,
                dedup_key=dedup_key or None,
                created_at=now,
                updated_at=now,
            )
            if field_values:
                write_field_values(incident, type_fields, field_values)
            what = "Reported (already fixed)" if is_report_only else "Declared"
            TimelineEvent.objects.create(
                incident=incident,
                kind=TimelineEvent.Kind.DECLARED,
                timestamp=now,
                text=f"{what}: {title}",
                author=reporter,
            )
            audit(
                verb=AuditVerb.INCIDENT_DECLARED,
                obj=incident,
                incident=incident,
                by=by,
                after={
                    "title": title,
                    "summary": summary,
                    "impact": impact,
                    "severity": severity.slug if severity else None,
                    "lead": lead,
                    "reporter": reporter,
                    "status": incident.status,
                    "is_private": is_private,
                    "started_at": started_at,
                    **(
                        {"type": incident_type.slug, "fields": field_values}
                        if incident_type
                        else {}
                    ),
                },
            )
            changed(incident, Change.DECLARED, by=by)
    except IntegrityError:
        # Two submissions of the same declaration raced; the other one won.
        if dedup_key and (existing := Incident.objects.filter(dedup_key=dedup_key).first()):
            return existing, False
        raise
    return incident, True


_EDITABLE_LABELS = {
    "title": "Title",
    "summary": "Summary",
    "impact": "Impact",
    "started_at": "Start time",
    "is_private": "Private",
}


def update_incident(
    incident: Incident,
    *,
    title: str | Unset = UNSET,
    summary: str | Unset = UNSET,
    impact: str | Unset = UNSET,
    started_at: datetime | Unset = UNSET,
    is_private: bool | Unset = UNSET,
    by: Actor = None,
) -> Incident:
    """Change an incident's details. Fields left out are not touched; unchanged ones are ignored."""
    wanted: dict[str, Any] = {}
    if title is not UNSET:
        wanted["title"] = clean_text(
            title, field="title", max_length=TITLE_MAX_LENGTH, required=True
        )
    if summary is not UNSET:
        wanted["summary"] = clean_text(summary, field="summary", max_length=TEXT_MAX_LENGTH)
    if impact is not UNSET:
        wanted["impact"] = clean_text(impact, field="impact", max_length=TEXT_MAX_LENGTH)
    if started_at is not UNSET:
        wanted["started_at"] = clean_past_time(started_at, field="start time")
    if is_private is not UNSET:
        wanted["is_private"] = bool(is_private)

    with transaction.atomic():
        locked = lock_incident(incident)
        if "started_at" in wanted:
            check_key_time_order(
                {**key_times_of(locked), "started_at": wanted["started_at"]},
                edited=("started_at",),
            )
        locked.updated_at = timezone.now()
        before, after = apply_changes(locked, wanted, also=("updated_at",))
        if after:
            for name, value in after.items():
                shown = value.isoformat() if isinstance(value, datetime) else value
                add_change_to_timeline(
                    locked,
                    kind=TimelineEvent.Kind.FIELD,
                    text=f"{_EDITABLE_LABELS[name]} changed to: {shown}",
                    by=by,
                    metadata={"field": name},
                )
            audit(
                verb=AuditVerb.INCIDENT_UPDATED,
                obj=locked,
                incident=locked,
                by=by,
                before=before,
                after=after,
            )
            changed(locked, Change.UPDATED, by=by, fields=tuple(after))
            if after.get("is_private") is True:
                # What others could read must stop showing it: adapters act on this.
                changed(locked, Change.MADE_PRIVATE, by=by, fields=("is_private",))
    copy_state(incident, locked)
    return incident


def set_lead(incident: Incident, lead: ExternalUser | None, *, by: Actor = None) -> Incident:
    with transaction.atomic():
        locked = lock_incident(incident)
        if locked.lead_id == (lead.pk if lead else None):
            copy_state(incident, locked)
            return incident
        before = locked.lead
        locked.lead = lead
        locked.updated_at = timezone.now()
        # Someone has taken it on: acknowledged, if nobody said so earlier.
        noted = note_known_times(locked, acknowledged_at=locked.updated_at) if lead else []
        locked.save(update_fields=["lead", "updated_at", *noted])
        text = f"{lead.name} is now leading the incident" if lead else "The lead was removed"
        add_change_to_timeline(locked, kind=TimelineEvent.Kind.LEAD, text=text, by=by, subject=lead)
        audit(
            verb=AuditVerb.INCIDENT_LEAD_CHANGED,
            obj=locked,
            incident=locked,
            by=by,
            before={"lead": before},
            after={"lead": lead},
        )
        changed(locked, Change.LEAD, by=by, fields=("lead",))
    copy_state(incident, locked)
    return incident


def set_severity(
    incident: Incident, severity: Severity | str | int | None, *, by: Actor = None
) -> Incident:
    new = check_severity(severity)
    with transaction.atomic():
        locked = lock_incident(incident)
        old = locked.severity
        if (old.pk if old else None) == (new.pk if new else None):
            copy_state(incident, locked)
            return incident
        locked.severity = new
        locked.updated_at = timezone.now()
        locked.save(update_fields=["severity", "updated_at"])
        old_name = old.name if old else "unset"
        new_name = new.name if new else "unset"
        add_change_to_timeline(
            locked,
            kind=TimelineEvent.Kind.SEVERITY,
            text=f"Severity changed from {old_name} to {new_name}",
            by=by,
        )
        audit(
            verb=AuditVerb.INCIDENT_SEVERITY_CHANGED,
            obj=locked,
            incident=locked,
            by=by,
            before={"severity": old.slug if old else None},
            after={"severity": new.slug if new else None},
        )
        changed(locked, Change.SEVERITY, by=by, fields=("severity",))
    copy_state(incident, locked)
    return incident


def set_status(
    incident: Incident, status: Status | str, *, by: Actor = None, at: datetime | None = None
) -> Incident:
    """Move the incident along investigating → identified → monitoring → resolved."""
    new = check_status(status)
    explicit = at is not None
    at = clean_past_time(at, field="time") if at else timezone.now()
    with transaction.atomic():
        locked = lock_incident(incident)
        old = Status(locked.status)
        if old == new:
            raise InvalidTransition(
                f"Incident #{locked.pk} is already {new.label.lower()}.", field="status"
            )
        if new not in TRANSITIONS[old]:
            if old in (Status.RESOLVED, Status.REPORTED):
                hint = "Reopen it first."
            elif old == Status.TRIAGE:
                hint = "Accept it from triage first."
            elif new == Status.REPORTED:
                hint = "Only an incident declared as report-only is “reported”."
            else:
                hint = ""
            raise InvalidTransition(
                f"Incident #{locked.pk} is {old.label.lower()}; it cannot become "
                f"{new.label.lower()}. {hint}".strip(),
                field="status",
            )
        update_fields = ["status", "updated_at", "last_update_at"]
        locked.status = new
        locked.updated_at = locked.last_update_at = timezone.now()
        milestone = STATUS_MILESTONES.get(new)
        if new == Status.RESOLVED and explicit:
            # A resolution time given by hand keeps the key times in order, like a correction.
            check_key_time_order(
                {**key_times_of(locked), "resolved_at": at}, edited=("resolved_at",)
            )
        # Resolution is always the latest one; the other milestones keep their first time.
        if milestone and (new == Status.RESOLVED or getattr(locked, milestone) is None):
            setattr(locked, milestone, at)
            update_fields.append(milestone)
        # Moving it on means someone has it; monitoring (or resolved) means the impact stopped.
        learned = {"acknowledged_at": at}
        if new in (Status.MONITORING, Status.RESOLVED):
            learned["mitigated_at"] = at
        update_fields += note_known_times(locked, **learned)
        locked.save(update_fields=update_fields)
        change = Change.RESOLVED if new == Status.RESOLVED else Change.STATUS
        text = "Resolved" if new == Status.RESOLVED else f"Status changed to {new.label}"
        add_change_to_timeline(
            locked, kind=TimelineEvent.Kind.STATUS, text=text, by=by, metadata={"status": new.value}
        )
        audit(
            verb=AuditVerb.INCIDENT_RESOLVED
            if change == Change.RESOLVED
            else AuditVerb.INCIDENT_STATUS_CHANGED,
            obj=locked,
            incident=locked,
            by=by,
            before={"status": old.value},
            after={"status": new.value, **({milestone: at} if milestone else {})},
        )
        changed(locked, change, by=by, fields=tuple(update_fields))
    copy_state(incident, locked)
    return incident


def move_incident(
    incident: Incident, status: Status | str, *, by: Actor = None, if_needed: bool = False
) -> Incident:
    """Bring the incident to `status` with whichever verb that takes: resolving it, reopening
    it when it is closed, or moving it along while open. The web UI's status menu and the API's
    PATCH say where they want the incident; this is the one place that says how.

    The way is chosen from the locked row, not the caller's copy, which another writer may have
    moved since. An incident already at `status` is an InvalidTransition, or, `if_needed`, left
    as it is (a PATCH states where the incident should be, and it is there)."""
    new = check_status(status)
    with transaction.atomic():
        locked = lock_incident(incident)
        if if_needed and locked.status == new:
            copy_state(incident, locked)
            return incident
        if new == Status.RESOLVED:
            return resolve_incident(incident, by=by)
        if locked.is_closed() and new in OPEN_STATUSES:
            return reopen_incident(incident, status=new, by=by)
        return set_status(incident, new, by=by)


def resolve_incident(
    incident: Incident, *, by: Actor = None, at: datetime | None = None
) -> Incident:
    return set_status(incident, Status.RESOLVED, by=by, at=at)


def reopen_incident(
    incident: Incident, *, by: Actor = None, status: Status | str = Status.INVESTIGATING
) -> Incident:
    """Bring a resolved (or report-only) incident back to life."""
    new = check_status(status)
    if new not in OPEN_STATUSES:
        raise InvalidInput("An incident is reopened as investigating, identified or monitoring.")
    with transaction.atomic():
        locked = lock_incident(incident)
        old = Status(locked.status)
        if old not in (Status.RESOLVED, Status.REPORTED):
            raise InvalidTransition(f"Incident #{locked.pk} is still open.", field="status")
        before = {
            "status": old.value,
            "resolved_at": locked.resolved_at,
            "mitigated_at": locked.mitigated_at,
        }
        locked.status = new
        locked.resolved_at = None
        # Reopened means the impact is back: it is mitigated again when it next reaches
        # monitoring or resolved (or when someone says so).
        locked.mitigated_at = None
        locked.is_report_only = False
        locked.updated_at = locked.last_update_at = timezone.now()
        locked.save(
            update_fields=[
                "status",
                "resolved_at",
                "mitigated_at",
                "is_report_only",
                "updated_at",
                "last_update_at",
            ]
        )
        add_change_to_timeline(
            locked,
            kind=TimelineEvent.Kind.STATUS,
            text=f"Reopened ({new.label})",
            by=by,
            metadata={"status": new.value},
        )
        audit(
            verb=AuditVerb.INCIDENT_REOPENED,
            obj=locked,
            incident=locked,
            by=by,
            before=before,
            after={"status": new.value, "resolved_at": None, "mitigated_at": None},
        )
        changed(locked, Change.REOPENED, by=by, fields=("status", "resolved_at", "mitigated_at"))
    copy_state(incident, locked)
    return incident


def post_status_update(
    incident: Incident, text: str, *, by: Actor = None, next_update_in: timedelta | None = None
) -> TimelineEvent:
    """A structured "where are we" update from the responders, for the channel and the record.
    `next_update_in` promises the next one then, instead of the severity's cadence."""
    text = clean_text(text, field="update", max_length=TEXT_MAX_LENGTH, required=True)
    if next_update_in is not None and not (
        timedelta(minutes=1) <= next_update_in <= MAX_NEXT_UPDATE
    ):
        raise InvalidInput(
            "The next update is due between a minute and a day from now.", field="next_update"
        )
    with transaction.atomic():
        locked = lock_incident(incident)
        now = timezone.now()
        locked.last_update_at = now
        locked.next_update_at = now + next_update_in if next_update_in else None
        locked.save(update_fields=["last_update_at", "next_update_at"])
        entry = add_change_to_timeline(locked, kind=TimelineEvent.Kind.UPDATE, text=text, by=by)
        audit(
            verb=AuditVerb.INCIDENT_UPDATE_POSTED,
            obj=entry,
            incident=locked,
            by=by,
            after={"text": text, "next_update_at": locked.next_update_at},
        )
        changed(locked, Change.STATUS_UPDATE, by=by, object_id=entry.pk)
    copy_state(incident, locked)
    return entry
