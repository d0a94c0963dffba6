"""When each reminder is due, and sending the ones that are, exactly once.

The schedule is a row per incident × notification (× subject: a follow-up action), written when
an incident is declared or reopened, when it is resolved and when an action gets a due date
(`ScheduledNotification`: its phase, how often it was sent, when it is due next). Each row that
is scheduled has one job in the work engine (`Reminder`, due at the row's `next_due_at`): the
engine decides when it runs, retries it and parks it when it keeps failing, like any job. The
job is transactional: the handler runs inside the transaction that records the send, so what it
enqueues (Slack messages) is committed exactly when the send is counted: once, even if the
worker is killed. The worker looks only at due jobs: its cost follows what is due, not the
number of open incidents.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from response.core.events import Change
from response.core.models import Action, ExternalUser, Status
from response.engine.kinds import JobContext, Priority, job_kind
from response.engine.models import Job
from response.engine.queue import enqueue
from response.notifications.models import ScheduledNotification
from response.notifications.registry import (
    NOTIFICATIONS,
    NotificationSpec,
    NotNow,
    Phase,
    enabled_notifications,
    is_enabled,
)
from response.notifications.workhours import next_working_time, zone_of

logger = logging.getLogger(__name__)

State = ScheduledNotification.State

# A reminder's job may run this much before the row's due time (clocks of two machines).
EARLY = timedelta(seconds=1)

# A change wakes the notifications that follow it this much later, so that a run of changes (a
# dozen severity changes in a few seconds) has them look once or twice, not once per change.
WAKE_DELAY = timedelta(seconds=2)


# --- What a handler may ask about the current run -------------------------------------------------


@dataclass(frozen=True)
class Run:
    """The notification being sent, for handlers that need more than the incident."""

    key: str
    now: datetime
    due_at: datetime
    anchor_at: datetime
    sent_count: int
    last_sent_at: datetime | None


_current: ContextVar[Run | None] = ContextVar("notification_run", default=None)


def current_run() -> Run | None:
    return _current.get()


@contextmanager
def _running(run: Run) -> Iterator[None]:
    token = _current.set(run)
    try:
        yield
    finally:
        _current.reset(token)


# --- The job --------------------------------------------------------------------------------------


def reminder_key(row_id: int) -> str:
    return f"reminder:{row_id}"


def schedule_job(row: ScheduledNotification, *, reschedule: bool = True) -> None:
    """(Re)schedule the row's job at its due time; a pending one is moved, not duplicated.
    (`reschedule=False` from the row's own job: its key is free, there is nothing to move.)"""
    enqueue(
        Reminder(notification_id=row.pk),
        lane=f"reminder:{row.incident_id}:{row.pk}",
        key=reminder_key(row.pk),
        at=row.next_due_at,
        reschedule=reschedule,
    )


def lock_jobs(rows) -> dict[str | None, datetime]:
    """Lock the pending jobs of these rows (or row ids) before touching the rows themselves.
    Returns when each locked job is due, by its key.

    A reminder's job locks its job, then its row; whatever changes the schedule takes the same
    locks in the same order, so the two never wait for each other in a circle (PostgreSQL would
    end one of them with a deadlock). SQLite has one writer at a time: nothing to lock."""
    ids = [row if isinstance(row, int) else row.pk for row in rows]
    if not ids:
        return {}
    return dict(
        Job.objects.select_for_update()
        .filter(state=Job.State.PENDING, key__in=[reminder_key(pk) for pk in ids])
        .order_by("id")
        .values_list("key", "not_before")
    )


def cancel_jobs(row_ids: list[int]) -> None:
    Job.objects.filter(
        state=Job.State.PENDING, claimed_by="", key__in=[reminder_key(pk) for pk in row_ids]
    ).update(state=Job.State.CANCELLED, done_at=timezone.now(), key=None)


@job_kind("reminder", priority=Priority.BACKGROUND, transactional=True)
@dataclass(frozen=True)
class Reminder:
    notification_id: int

    def perform(self, job: JobContext) -> dict:
        row = (
            ScheduledNotification.objects.select_for_update(of=("self",))
            .select_related("incident__severity", "incident__lead", "incident__reporter")
            .filter(pk=self.notification_id)
            .first()
        )
        if row is None or row.state != State.SCHEDULED:
            return {"outcome": "gone"}
        now = timezone.now()
        if row.next_due_at > now + EARLY:
            schedule_job(row, reschedule=False)  # it was moved later since this job was queued
            return {"outcome": "moved"}
        return {"outcome": send(row, now=now)}


def send(row: ScheduledNotification, *, now: datetime) -> str:
    """Run the row's handler and record the outcome: "sent", "declined" or "cancelled". Any
    other exception leaves the row as it was, for the engine to retry."""
    spec = NOTIFICATIONS.find(row.key)
    subject = _subject(row, spec) if spec is not None and is_enabled(spec) else None
    if spec is None or subject is None:
        row.state = State.CANCELLED
        row.save(update_fields=["state"])
        return "cancelled"
    run = Run(row.key, now, row.next_due_at, row.anchor_at, row.sent_count, row.last_sent_at)
    try:
        # A savepoint: what a handler did before declining is undone.
        with transaction.atomic(), _running(run):
            declined = _declined(spec.func(subject))
            if declined is not None:
                raise declined
    except NotNow as declined:
        retry_at = declined.at or now + (declined.retry_in or spec.decline_retry())
        row.next_due_at = max(retry_at, now + timedelta(seconds=1))
        row.save(update_fields=["next_due_at"])
        schedule_job(row, reschedule=False)
        return "declined"
    row.sent_count += 1
    row.last_sent_at = now
    interval = spec.interval_mins
    finished = interval is None or row.sent_count >= spec.max_notifications
    if interval is None or finished:
        row.state = State.DONE
    else:
        row.next_due_at = now + timedelta(minutes=interval)
    row.save(update_fields=["sent_count", "last_sent_at", "state", "next_due_at"])
    if not finished:
        schedule_job(row, reschedule=False)
    return "sent"


def _subject(row: ScheduledNotification, spec: NotificationSpec):
    """What the handler is given, or None when the notification no longer applies."""
    if spec.phase == Phase.ACTION:
        if row.action_id is None:
            return None
        action = Action.objects.select_related("owner", "incident").filter(pk=row.action_id).first()
        if action is None or action.done or action.owner is None or action.due_date is None:
            return None
        return action
    incident = row.incident
    if spec.phase == Phase.OPEN and not incident.is_open():
        return None
    if spec.phase == Phase.RESOLVED and incident.status != Status.RESOLVED:
        return None
    return incident


def _declined(outcome: object) -> NotNow | None:
    if outcome is NotNow:
        return NotNow()
    return outcome if isinstance(outcome, NotNow) else None


# --- Writing the schedule -------------------------------------------------------------------------


def _new_row(incident_id: int, spec: NotificationSpec, anchor: datetime, subject: str = ""):
    return ScheduledNotification(
        incident_id=incident_id,
        key=spec.key,
        subject=subject,
        phase=spec.phase,
        anchor_at=anchor,
        next_due_at=anchor + timedelta(minutes=spec.initial_delay_mins),
    )


def start_phase(incident_id: int, phase: str, *, anchor: datetime, restart: bool) -> int:
    """Schedule the phase's notifications for an incident, counted from `anchor`.

    `restart` starts them afresh (asked again after each resolution); otherwise they resume
    where they stopped: a notification sent as often as it may be stays done. Returns how many
    were scheduled."""
    specs = enabled_notifications(phase)
    if not specs:
        return 0
    scheduled: list[ScheduledNotification] = []
    rows = ScheduledNotification.objects.filter(
        incident_id=incident_id, subject="", key__in=[s.key for s in specs]
    )
    with transaction.atomic(savepoint=False):
        lock_jobs(rows.values_list("pk", flat=True))
        existing = {row.key: row for row in rows.select_for_update()}
        for spec in specs:
            row = existing.get(spec.key)
            if row is None:
                row = _new_row(incident_id, spec, anchor)
                row.save(force_insert=True)
                scheduled.append(row)
                continue
            if restart:
                resumable = row.state != State.SCHEDULED or row.sent_count
            else:
                resumable = row.state == State.CANCELLED
            if not resumable:
                continue
            row.state = State.SCHEDULED
            row.anchor_at = anchor
            row.next_due_at = _new_row(incident_id, spec, anchor).next_due_at
            if restart:
                row.sent_count = 0
            row.save(update_fields=["state", "anchor_at", "next_due_at", "sent_count"])
            scheduled.append(row)
        for row in scheduled:
            schedule_job(row)
    return len(scheduled)


def stop_phase(incident_id: int, phase: str) -> int:
    """Cancel the phase's pending notifications (one being sent right now finishes first)."""
    with transaction.atomic(savepoint=False):
        rows = list(
            ScheduledNotification.objects.filter(
                incident_id=incident_id, phase=phase, state=State.SCHEDULED
            ).values_list("pk", flat=True)
        )
        cancel_jobs(rows)  # the jobs first (see lock_jobs)
        ScheduledNotification.objects.filter(pk__in=rows).update(state=State.CANCELLED)
    return len(rows)


def wake_soon(incident_id: int, kind: Change) -> int:
    """Ask the notifications that follow this kind of change again, WAKE_DELAY from now (they
    decide). Returns how many were moved earlier."""
    keys = [s.key for s in NOTIFICATIONS.values() if kind in s.wake_on and is_enabled(s)]
    if not keys:
        return 0
    rows = list(
        ScheduledNotification.objects.filter(
            incident_id=incident_id, key__in=keys, state=State.SCHEDULED
        )
    )
    if not rows:
        return 0
    soon = timezone.now() + WAKE_DELAY
    with transaction.atomic(savepoint=False):
        due = lock_jobs(rows)
        # A job due by then has nothing to be moved for: it waits for the lock taken here, so it
        # runs after this change commits, and sees it.
        late = [row for row in rows if due.get(reminder_key(row.pk), soon + EARLY) > soon]
        for row in late:
            row.next_due_at = soon
            schedule_job(row)
        if late:
            ScheduledNotification.objects.filter(
                pk__in=[row.pk for row in late], state=State.SCHEDULED
            ).update(next_due_at=soon)
    return len(late)


def action_due_time(due_date: date, owner: ExternalUser) -> datetime:
    """When an action's due date has passed for its owner: the next working hour after it."""
    zone = zone_of(owner)
    day_after = due_date + timedelta(days=1)
    return next_working_time(datetime.combine(day_after, time(0), tzinfo=zone), zone)


def schedule_action(action_id: int) -> int:
    """(Re)schedule the reminders about one follow-up action: from its due date, to its owner."""
    action = Action.objects.select_related("owner").filter(pk=action_id).first()
    if action is None:
        return 0
    subject = f"action:{action.pk}"
    rows = ScheduledNotification.objects.filter(incident_id=action.incident_id, subject=subject)
    if action.done or action.due_date is None or action.owner is None:
        with transaction.atomic(savepoint=False):
            stopped = list(rows.filter(state=State.SCHEDULED).values_list("pk", flat=True))
            cancel_jobs(stopped)  # the jobs first (see lock_jobs)
            rows.filter(pk__in=stopped).update(state=State.CANCELLED)
        return 0
    anchor = action_due_time(action.due_date, action.owner)
    scheduled = 0
    with transaction.atomic(savepoint=False):
        lock_jobs(rows.values_list("pk", flat=True))
        existing = {row.key: row for row in rows.select_for_update()}
        for spec in enabled_notifications(Phase.ACTION):
            row = existing.get(spec.key)
            if row is None:
                row = _new_row(action.incident_id, spec, anchor, subject)
                row.next_due_at = anchor  # due when the date has passed, not after a delay
                row.save(force_insert=True)
            elif row.anchor_at != anchor or row.state == State.CANCELLED:
                # A new due date (or owner, or the action reopened): remind afresh.
                row.state, row.anchor_at, row.next_due_at, row.sent_count = (
                    State.SCHEDULED,
                    anchor,
                    anchor,
                    0,
                )
                row.save(update_fields=["state", "anchor_at", "next_due_at", "sent_count"])
            else:
                continue
            schedule_job(row)
            scheduled += 1
    return scheduled
