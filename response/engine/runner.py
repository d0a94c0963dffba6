"""Running a lane: take its due jobs in order, do them, record the outcome.

`run_slice(lane)` works for a short slice of time, then hands the lane back (the pool queues it
again if work is left), so one busy lane cannot starve the others.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DataError, OperationalError, transaction
from django.utils import timezone

from response.engine import health, sql
from response.engine.kinds import KINDS, Failed, Incomplete, JobContext, Kind, Retry
from response.engine.models import Job
from response.observability.context import handling_job

logger = logging.getLogger(__name__)

State = Job.State

# A transactional batch holds the write lock this long at most (acknowledgements wait for it).
SLICE_SECONDS = 0.05
# Jobs locked and read per transactional batch. Under a burst a slice does two or three (its
# time is shared with the other threads), and every row read is decoded and locked (a write on
# PostgreSQL): reading 50 to do 3 cost 1.3 ms a batch more than reading 8 (docs/benchmarks.md).
# A lane with more to do runs another batch in the same slice.
BATCH = 8


def lease() -> timedelta:
    """How long a worker may hold a remote job before another takes it over (it died)."""
    return timedelta(seconds=getattr(settings, "RESPONSE_JOB_LEASE_SECONDS", 120))


def max_failures() -> int:
    """Failures (other than a remote service being down) before a job is parked as dead: with
    the backoff below, a poisoned job holds its lane for about half a minute."""
    return getattr(settings, "RESPONSE_JOB_MAX_FAILURES", 6)


def failure_backoff(failures: int) -> float:
    return float(min(2 ** max(failures - 1, 0), 60))


def remote_backoff(attempts: int) -> float:
    ceiling = getattr(settings, "RESPONSE_SLACK_MAX_BACKOFF", 300)
    return float(min(2 ** max(attempts - 1, 0), ceiling))


# Lanes whose head was a transactional job when last seen (most recent last, bounded).
_transactional_lanes: OrderedDict[str, None] = OrderedDict()
TRANSACTIONAL_LANES_REMEMBERED = 10_000


def forget_lanes() -> None:
    """Tests start each time from an empty database."""
    _transactional_lanes.clear()


@dataclass(frozen=True)
class SliceResult:
    done: int
    more: bool = False  # due work is left: queue the lane again
    wait_until: datetime | None = None  # the lane's head is not due before then


def run_slice(lane: str, *, seconds: float = SLICE_SECONDS) -> SliceResult:
    deadline = time.monotonic() + seconds
    done = 0
    while True:
        step = _step(lane, deadline)
        done += step.done
        if step.finished or step.wait_until is not None:
            return SliceResult(done, wait_until=step.wait_until)
        if time.monotonic() >= deadline:
            return SliceResult(done, more=True)


@dataclass(frozen=True)
class _Step:
    done: int
    finished: bool  # nothing is left to do in the lane now (a job queued since wakes it again)
    wait_until: datetime | None = None  # the lane waits until then


def _step(lane: str, deadline: float) -> _Step:
    """Do the lane's next due job, or its next batch of transactional ones."""
    if lane in _transactional_lanes:
        # A lane whose head was a transactional job last time (a channel's events, say): its
        # batch at once. Only when it had none due does its head need a look.
        done, blocked, drained = _run_transactional(lane, deadline)
        if done or blocked or drained:
            return _Step(done, drained, blocked)
    else:
        # A lane of replies and edits: its head claimed in one statement, if it is due.
        now, token = timezone.now(), uuid.uuid4().hex
        claimed = sql.claim_head(
            lane, kinds=remote_kinds(), token=token, until=now + lease(), now=now
        )
        if claimed is not None:
            job, behind = claimed
            done, blocked = _perform_remote(job, KINDS.get(job.kind), token)
            return _Step(done, not behind, blocked)
    return _step_from_head(lane, deadline)


def _step_from_head(lane: str, deadline: float) -> _Step:
    head = sql.head(lane)
    if head is None:
        return _Step(0, finished=True)
    now = timezone.now()
    if head.not_before > now:
        return _Step(0, finished=True, wait_until=head.not_before)
    if head.claimed_until and head.claimed_until > now:
        return _Step(0, finished=True, wait_until=head.claimed_until)  # another worker has it
    kind = KINDS.find(head.kind)
    if kind is None:
        _park(head, f"no job kind named {head.kind!r} is registered")
        return _Step(0, finished=False)
    if kind.transactional:
        _transactional_lanes[lane] = None
        if len(_transactional_lanes) > TRANSACTIONAL_LANES_REMEMBERED:
            _transactional_lanes.popitem(last=False)
        done, blocked, drained = _run_transactional(lane, deadline)
        return _Step(done, drained, blocked)
    _transactional_lanes.pop(lane, None)
    done, blocked = _run_remote(head, kind)
    return _Step(done, finished=False, wait_until=blocked)


def pending(lane: str):
    return Job.objects.filter(lane=lane, state=State.PENDING).order_by("id")


def _context(job: Job, *, attempts: int, batch: dict | None = None) -> JobContext:
    progress = tuple(job.result.get("progress", ())) if isinstance(job.result, dict) else ()
    return JobContext(
        id=job.pk,
        lane=job.lane,
        attempts=attempts,
        created_at=job.created_at,
        progress=progress,
        batch=batch if batch is not None else {},
    )


# --- Transactional jobs: done exactly when their work commits -------------------------------------


def _run_transactional(lane: str, deadline: float) -> tuple[int, datetime | None, bool]:
    """Do the lane's due transactional jobs in one transaction, each in its own savepoint.
    Returns (jobs done, the moment the lane is blocked until if it is, whether every job the
    lane had was done: a job queued since wakes the lane again, so nobody needs to look)."""
    finished: list[Job] = []
    blocked: datetime | None = None
    with transaction.atomic(durable=True):
        now = timezone.now()
        rows = sql.lock_heads(lane, BATCH)
        batch = []
        for job in rows:
            kind = KINDS.find(job.kind)
            if kind is None or not kind.transactional or job.not_before > now:
                break
            if job.claimed_until and job.claimed_until > now:
                break
            batch.append((job, kind))
        # Release the keys first: a job may enqueue its own successor under the same key.
        sql.release_keys(job.pk for job, _ in batch if job.key)
        shared: dict = {}
        for job, kind in batch:
            attempts = job.attempts + 1
            savepoint = transaction.savepoint_create()
            context = _context(job, attempts=attempts, batch=shared)
            try:
                with handling_job(job=job.pk, lane=job.lane, delivery=job.delivery_key):
                    result = kind.load(job.payload).perform(context)
            except Incomplete as incomplete:
                transaction.savepoint_commit(savepoint)  # keep the parts that were done
                shared.clear()
                blocked = _failed(job, incomplete.cause, attempts, progress=incomplete.progress)
            except Exception as error:
                transaction.savepoint_rollback(savepoint)
                shared.clear()
                blocked = _failed(job, error, attempts)
            else:
                transaction.savepoint_commit(savepoint)
                job.attempts, job.result = attempts, result or {}
                finished.append(job)
                if time.monotonic() < deadline:
                    continue
                break
            if blocked is not None:
                break  # this lane waits; dead jobs do not hold it
        _mark_done(finished, now=timezone.now())
    return len(finished), blocked, len(rows) < BATCH and len(finished) == len(rows)


def _mark_done(jobs: list[Job], *, now: datetime) -> None:
    if not jobs:
        return
    with_result = [job for job in jobs if job.result]
    sql.mark_done((job.pk for job in jobs if not job.result), now=now)
    if with_result:
        for job in with_result:
            job.state, job.done_at, job.last_error, job.failures = State.DONE, now, "", 0
        Job.objects.bulk_update(
            with_result, ["state", "done_at", "attempts", "result", "last_error", "failures"]
        )


def _failed(
    job: Job,
    error: BaseException,
    attempts: int,
    *,
    progress: list[str] | None = None,
    target=None,
) -> datetime | None:
    """Record a failed attempt. Returns the moment the lane may go on, or None when the job was
    parked as dead (the lane goes on at once)."""
    now = timezone.now()
    target = target if target is not None else Job.objects.filter(pk=job.pk)
    changes: dict = {"attempts": attempts, "last_error": _describe(error)}
    if progress is not None:
        changes["result"] = {"progress": progress}
    if isinstance(error, OperationalError):
        # The database was busy or a lock race was lost: not the job's fault.
        error = Retry(f"database: {error}", delay=1)
    if isinstance(error, Retry):
        if error.remote:
            health.failed(error.remote)
        delay = error.delay if error.delay is not None else remote_backoff(attempts)
        changes.update(not_before=now + timedelta(seconds=delay), waiting_on=error.remote)
        target.update(**changes)
        return changes["not_before"]
    failures = job.failures + 1
    # The database refused what the job wrote (a value longer than its column, a number out of
    # range, a NUL): it would refuse it again, so the job can never succeed as it is.
    if isinstance(error, (Failed, DataError)) or failures >= max_failures():
        logger.error("Job %s (%s, %s) is dead: %s", job.pk, job.kind, job.lane, error)
        changes.update(state=State.DEAD, failures=failures, done_at=now)
        target.update(**changes)
        return None
    logger.warning(
        "Job %s (%s, %s) failed; will retry: %r",
        job.pk,
        job.kind,
        job.lane,
        error,
        exc_info=error,
    )
    changes.update(failures=failures, not_before=now + timedelta(seconds=failure_backoff(failures)))
    target.update(**changes)
    return changes["not_before"]


def _describe(error: BaseException) -> str:
    return (str(error) if isinstance(error, (Retry, Failed)) else repr(error))[:2000]


def _park(job: Job, reason: str) -> None:
    logger.error("Job %s (%s) is dead: %s", job.pk, job.kind, reason)
    Job.objects.filter(pk=job.pk, state=State.PENDING).update(
        state=State.DEAD, last_error=reason, done_at=timezone.now()
    )


# --- Remote jobs: done under a lease, outside any transaction -------------------------------------


class ClaimLost(Exception):
    """Another worker took the job over (our lease ran out): our outcome must not count."""


def remote_kinds() -> list[str]:
    return [kind.name for kind in KINDS.values() if not kind.transactional]


def _run_remote(head: Job, kind: Kind) -> tuple[int, datetime | None]:
    now = timezone.now()
    token = uuid.uuid4().hex
    if not sql.claim(head.pk, token=token, until=now + lease(), now=now):
        return 0, None
    head.attempts += 1
    return _perform_remote(head, kind, token)


def _perform_remote(head: Job, kind: Kind, token: str) -> tuple[int, datetime | None]:
    """Do a claimed remote job (its attempts already counted) and record the outcome."""
    attempts = head.attempts
    job_context = _context(head, attempts=attempts)
    try:
        payload = kind.load(head.payload)
        with handling_job(job=head.pk, lane=head.lane, delivery=head.delivery_key):
            result = payload.perform(job_context) or {}
        if hasattr(payload, "record"):
            # What the job learned is stored with its being done, or not at all.
            with transaction.atomic(durable=True):
                payload.record(job_context, result)
                if not sql.finish(head.pk, token=token, result=result, now=timezone.now()):
                    raise ClaimLost
        elif not sql.finish(head.pk, token=token, result=result, now=timezone.now()):
            raise ClaimLost
    except ClaimLost:
        logger.warning("Job %s (%s) was taken over by another worker", head.pk, head.kind)
        return 0, None
    except Exception as error:
        mine = Job.objects.filter(pk=head.pk, claimed_by=token, state=State.PENDING)
        with transaction.atomic(durable=True):
            return 0, _failed(head, error, attempts, target=_releasing(mine))
    return 1, None


class _releasing:
    """A queryset wrapper whose update() also ends the claim."""

    def __init__(self, queryset) -> None:
        self.queryset = queryset

    def update(self, **changes) -> int:
        return self.queryset.update(claimed_until=None, claimed_by="", **changes)


# --- What the sweep looks for ---------------------------------------------------------------------


def lanes_due(*, limit: int = 500) -> dict[str, int]:
    """Lanes whose head may be due and that nobody holds: their wake-up was lost, their worker
    died, or their time has come. {lane: priority}."""
    return sql.lanes_due(timezone.now(), limit=limit)


def next_due() -> datetime | None:
    return sql.next_due()
