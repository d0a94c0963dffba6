"""When each notification is due, and running the ones that are, exactly once.

Rows (`ScheduledNotification`) are written when an incident is declared or reopened, when it is
resolved and when a follow-up action gets a due date. A pass (`run_due_notifications`) claims the
rows that are due with one conditional UPDATE, so of two workers (threads or processes) exactly
one gets each row; a claim is a lease, so the row of a worker killed mid-send is taken over once
the lease expires. The handler runs inside the transaction that records the send: what it
enqueues (Slack messages, through the durable outbox) commits together with the count, or not at
all. A pass reads only due rows through a partial index: its cost follows what is due, not the
number of open incidents.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import OperationalError, transaction
from django.db.models import F, Q, Subquery
from django.utils import timezone

from response.core.models import Action, Status
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

# How long a worker may hold a claimed row before another takes it over (it died, presumably).
# Handlers only enqueue work, so a pass holds a row for milliseconds.
LEASE = timedelta(minutes=2)
BATCH = 100
MAX_FAILURES = 8
MAX_BACKOFF = timedelta(hours=1)


def backoff(failures: int) -> timedelta:
    """After the n-th consecutive failure: 1, 2, 4, ... minutes, at most an hour."""
    return min(timedelta(minutes=2 ** max(failures - 1, 0)), MAX_BACKOFF)


# --- What a handler may ask about the current run ---------------------------------------------


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


# --- Writing the schedule ------------------------------------------------------------------------


def _new_row(incident_id: int, spec: NotificationSpec, anchor: datetime, subject: str = ""):
    return ScheduledNotification(
        incident_id=incident_id,
        key=spec.key,
        subject=subject,
        phase=spec.phase,
        anchor_at=anchor,
        next_due_at=anchor + timedelta(minutes=spec.initial_delay_mins),
    )


def start_phase(incident_id: int, phase: str, *, anchor: datetime, restart: bool) -> list[datetime]:
    """Schedule the phase's notifications for an incident, counted from `anchor`.

    `restart` starts them afresh (asked again after each resolution); otherwise they resume
    where they stopped: a notification sent as often as it may be stays done."""
    specs = enabled_notifications(phase)
    if not specs:
        return []
    due: list[datetime] = []
    with transaction.atomic():
        existing = {
            row.key: row
            for row in ScheduledNotification.objects.select_for_update().filter(
                incident_id=incident_id, subject="", key__in=[s.key for s in specs]
            )
        }
        missing = [_new_row(incident_id, s, anchor) for s in specs if s.key not in existing]
        ScheduledNotification.objects.bulk_create(missing, ignore_conflicts=True)
        due += [row.next_due_at for row in missing]
        for spec in specs:
            row = existing.get(spec.key)
            if row is None:
                continue
            if restart:
                resumable = row.state != State.SCHEDULED or row.sent_count
            else:
                resumable = row.state in (State.CANCELLED, State.FAILED)
            if not resumable:
                continue
            fresh = _new_row(incident_id, spec, anchor)
            ScheduledNotification.objects.filter(pk=row.pk).update(
                state=State.SCHEDULED,
                anchor_at=anchor,
                next_due_at=fresh.next_due_at,
                sent_count=0 if restart else F("sent_count"),
                claimed_until=None,
                claim_token="",
                failures=0,
                last_error="",
            )
            due.append(fresh.next_due_at)
    wake_up_at(due)
    return due


def stop_phase(incident_id: int, phase: str) -> int:
    """Cancel the phase's pending notifications (a row being sent right now is not counted)."""
    return ScheduledNotification.objects.filter(
        incident_id=incident_id, phase=phase, state=State.SCHEDULED
    ).update(state=State.CANCELLED, claimed_until=None)


def wake_now(incident_id: int, kind: str) -> int:
    """Ask notifications that follow this kind of change again at once (they decide)."""
    keys = [s.key for s in NOTIFICATIONS.values() if kind in s.wake_on]
    if not keys:
        return 0
    now = timezone.now()
    woken = ScheduledNotification.objects.filter(
        incident_id=incident_id, key__in=keys, state=State.SCHEDULED, claimed_until__isnull=True
    ).update(next_due_at=now)
    if woken:
        wake_up_at([now])
    return woken


def action_due_time(action: Action) -> datetime:
    """When an action's due date has passed for its owner: the next working hour after it."""
    zone = zone_of(action.owner)
    day_after: date = action.due_date + timedelta(days=1)
    return next_working_time(datetime.combine(day_after, time(0), tzinfo=zone), zone)


def schedule_action(action_id: int) -> list[datetime]:
    """(Re)schedule the reminders about one follow-up action: from its due date, to its owner."""
    action = Action.objects.select_related("owner").filter(pk=action_id).first()
    if action is None:
        return []
    subject = f"action:{action.pk}"
    rows = ScheduledNotification.objects.filter(incident_id=action.incident_id, subject=subject)
    if action.done or action.due_date is None or action.owner is None:
        rows.filter(state=State.SCHEDULED).update(state=State.CANCELLED, claimed_until=None)
        return []
    anchor = action_due_time(action)
    due: list[datetime] = []
    with transaction.atomic():
        existing = {row.key: row for row in rows.select_for_update()}
        for spec in enabled_notifications(Phase.ACTION):
            row = existing.get(spec.key)
            if row is None:
                new = _new_row(action.incident_id, spec, anchor, subject)
                new.next_due_at = anchor  # due when the date has passed, not after a delay
                ScheduledNotification.objects.bulk_create([new], ignore_conflicts=True)
                due.append(anchor)
            elif row.anchor_at != anchor or row.state == State.CANCELLED:
                # A new due date (or owner, or the action reopened): remind afresh.
                rows.filter(pk=row.pk).update(
                    state=State.SCHEDULED,
                    anchor_at=anchor,
                    next_due_at=anchor,
                    sent_count=0,
                    claimed_until=None,
                    claim_token="",
                    failures=0,
                    last_error="",
                )
                due.append(anchor)
    wake_up_at(due)
    return due


def wake_up_at(times: Iterable[datetime]) -> None:
    """After commit, ask the worker for a pass at each of these moments (precise wake-ups; the
    minutely pass catches any that are lost)."""
    moments = sorted(set(times))
    if not moments:
        return

    def schedule() -> None:
        from response.notifications.tasks import run_due_notifications_task

        now = timezone.now()
        for moment in moments:
            try:
                if moment <= now:
                    run_due_notifications_task()
                else:
                    run_due_notifications_task.schedule(eta=moment)
            except Exception:
                # The queue is unavailable: the minutely pass will find the row anyway.
                logger.exception("Could not schedule a notification wake-up at %s", moment)

    transaction.on_commit(schedule)


# --- Running what is due -------------------------------------------------------------------------


@dataclass
class PassResult:
    claimed: int = 0
    sent: int = 0
    declined: int = 0
    failed: int = 0
    cancelled: int = 0


def due_rows(now: datetime):
    return ScheduledNotification.objects.filter(state=State.SCHEDULED, next_due_at__lte=now).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def claim_due(now: datetime, *, limit: int = BATCH) -> tuple[str, int]:
    """Claim up to `limit` due rows for this pass. One conditional UPDATE: a row another worker
    claimed a moment ago no longer matches, so each row is claimed by exactly one pass."""
    token = uuid.uuid4().hex
    candidates = due_rows(now).order_by("next_due_at").values("pk")[:limit]
    claimed = (
        due_rows(now)
        .filter(pk__in=Subquery(candidates))
        .update(claimed_until=now + LEASE, claim_token=token)
    )
    return token, claimed


def run_due_notifications(*, now: datetime | None = None, limit: int = BATCH) -> PassResult:
    """One scheduler pass: send every notification that is due (in batches of `limit`)."""
    result = PassResult()
    now = now or timezone.now()
    while True:
        try:
            token, claimed = claim_due(now, limit=limit)
        except OperationalError:
            # Another worker's claim won a lock race (a deadlock on PostgreSQL, a busy SQLite):
            # nothing was claimed; the next pass takes what is still due.
            logger.warning("Could not claim due notifications this time", exc_info=True)
            return result
        result.claimed += claimed
        if not claimed:
            return result
        rows = (
            ScheduledNotification.objects.filter(claim_token=token)
            .select_related("incident__severity", "incident__lead", "incident__reporter")
            .order_by("next_due_at")
        )
        wake_ups: list[datetime] = []
        for row in rows:
            outcome = run_claimed(row, token=token, now=now, wake_ups=wake_ups)
            setattr(result, outcome, getattr(result, outcome) + 1)
        wake_up_at(wake_ups)  # once per distinct moment, not once per row
        if claimed < limit:
            return result


def _subject(row: ScheduledNotification, spec: NotificationSpec):
    """What the handler is given, or None when the notification no longer applies."""
    if spec.phase == Phase.ACTION:
        action = Action.objects.select_related("owner", "incident").filter(pk=row.action_id).first()
        if action is None or action.done or action.owner is None or action.due_date is None:
            return None
        return action
    incident = row.incident  # read with the claimed rows, after the claim
    if spec.phase == Phase.OPEN and not incident.is_open():
        return None
    if spec.phase == Phase.RESOLVED and incident.status != Status.RESOLVED:
        return None
    return incident


class _ClaimLost(Exception):
    """The row was cancelled or taken over while its handler ran: undo what it did."""


def _declined(outcome: object) -> NotNow | None:
    if outcome is NotNow:
        return NotNow()
    return outcome if isinstance(outcome, NotNow) else None


def run_claimed(
    row: ScheduledNotification,
    *,
    token: str,
    now: datetime,
    wake_ups: list[datetime] | None = None,
) -> str:
    """Run one claimed row's handler; returns "sent", "declined", "failed" or "cancelled".
    The moments the row is due next are added to `wake_ups` (or scheduled at once)."""
    later = wake_ups.append if wake_ups is not None else (lambda moment: wake_up_at([moment]))
    mine = ScheduledNotification.objects.filter(pk=row.pk, claim_token=token, state=State.SCHEDULED)
    spec = NOTIFICATIONS.find(row.key)
    subject = _subject(row, spec) if spec is not None and is_enabled(spec) else None
    if subject is None:
        mine.update(state=State.CANCELLED, claimed_until=None, claim_token="")
        return "cancelled"

    run = Run(row.key, now, row.next_due_at, row.anchor_at, row.sent_count, row.last_sent_at)
    sent_count = row.sent_count + 1
    finished = spec.interval_mins is None or sent_count >= spec.max_notifications
    sent = {
        "state": State.DONE if finished else State.SCHEDULED,
        "sent_count": sent_count,
        "last_sent_at": now,
        "next_due_at": row.next_due_at if finished else now + timedelta(minutes=spec.interval_mins),
        "claimed_until": None,
        "claim_token": "",
        "failures": 0,
        "last_error": "",
    }

    def send() -> None:
        with _running(run):
            declined = _declined(spec.func(subject))
        if declined is not None:
            raise declined  # undo anything the handler did before declining
        if not mine.update(**sent):
            raise _ClaimLost

    try:
        try:
            with transaction.atomic():
                send()
        except RuntimeError as error:
            if "durable" not in str(error):
                raise
            # The handler calls a verb, which insists on its own transaction: run it outside
            # ours. For such a handler a worker killed between its work and the record means
            # the work is done again after the lease: at least once, not exactly once.
            send()
    except NotNow as declined:
        retry_at = declined.at or now + (declined.retry_in or spec.decline_retry())
        retry_at = max(retry_at, now + timedelta(seconds=1))
        mine.update(next_due_at=retry_at, claimed_until=None, claim_token="")
        later(retry_at)
        return "declined"
    except _ClaimLost:
        logger.info(
            "Notification %s (incident %s) was cancelled while sending", row.key, row.incident_id
        )
        return "cancelled"
    except Exception as error:
        failures = row.failures + 1
        if failures >= MAX_FAILURES:
            logger.exception(
                "Notification %s for incident %s failed %s times; giving up",
                row.key,
                row.incident_id,
                failures,
            )
            mine.update(
                state=State.FAILED,
                failures=failures,
                last_error=repr(error)[:2000],
                claimed_until=None,
                claim_token="",
            )
            return "failed"
        retry_at = now + backoff(failures)
        logger.exception(
            "Notification %s for incident %s failed; retrying at %s",
            row.key,
            row.incident_id,
            retry_at.isoformat(),
        )
        mine.update(
            next_due_at=retry_at,
            failures=failures,
            last_error=repr(error)[:2000],
            claimed_until=None,
            claim_token="",
        )
        later(retry_at)
        return "failed"
    if not finished:
        later(now + timedelta(minutes=spec.interval_mins))
    return "sent"
