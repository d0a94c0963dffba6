"""Adding work: a job row written in the caller's transaction, a worker woken after the commit.

    enqueue(AddReaction(channel, ts, "white_check_mark"), lane=f"channel:{channel}")

In the process that runs the engine (`response run`, `response worker`, tests) the wake-up is a
call into the engine's threads; elsewhere (`response web`) it is one Huey message per commit,
which the worker process receives through its queue's blocking read (Redis, PostgreSQL) or its
polling (SQLite). A wake-up that is lost costs a few seconds: the engine's sweep finds the job.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from response.engine import sql
from response.engine.kinds import Priority, kind_of
from response.engine.local import local_engine
from response.engine.models import Job
from response.engine.tasks import wake_lanes_task

logger = logging.getLogger(__name__)


def enqueue(
    payload: object,
    *,
    lane: str,
    key: str | None = None,
    at: datetime | None = None,
    reschedule: bool = False,
) -> None:
    """Add a job of `payload`'s kind to `lane`, due now or `at`.

    With a `key`, a pending job with the same key absorbs this one (coalescing: it is done once,
    from the state at the time it runs); with `reschedule=True` that pending job is moved to `at`
    and takes this payload instead (a reminder whose due time changed)."""
    kind = kind_of(payload)
    data = kind.dump(payload)
    due = at or timezone.now()
    if key and reschedule:
        moved = Job.objects.filter(key=key, state=Job.State.PENDING, claimed_by="").update(
            not_before=due, payload=data
        )
        if moved:
            _wake_after_commit(lane, kind.priority, due)
            return
    # One statement either way: a pending job with this key already exists, or this one is it.
    sql.insert(kind=kind.name, lane=lane, key=key, payload=data, priority=kind.priority, due=due)
    _wake_after_commit(lane, kind.priority, due)


def cancel(*, lane_prefix: str, kinds: tuple[str, ...] = ()) -> int:
    """Cancel the pending jobs of lanes starting with `lane_prefix` (not one being done now)."""
    jobs = Job.objects.filter(state=Job.State.PENDING, claimed_by="", lane__startswith=lane_prefix)
    if kinds:
        jobs = jobs.filter(kind__in=kinds)
    return jobs.update(state=Job.State.CANCELLED, done_at=timezone.now(), key=None)


# --- Waking a worker ------------------------------------------------------------------------------

_local = threading.local()


def _wake_after_commit(lane: str, priority: int, at: datetime) -> None:
    """Remember the lane; the commit that follows wakes a worker for every lane remembered,
    with one callback per transaction (registered again if a rolled-back savepoint took it)."""
    pending: dict[str, tuple[int, datetime]] = _local.__dict__.setdefault("pending", {})
    previous = pending.get(lane)
    if previous is None or priority < previous[0] or at < previous[1]:
        pending[lane] = (
            min(priority, previous[0]) if previous else priority,
            min(at, previous[1]) if previous else at,
        )
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        callback is _flush for _, callback, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_flush)


def _flush() -> None:
    pending = _local.__dict__.pop("pending", None)
    if pending:
        wake(pending)


def wake(lanes: dict[str, tuple[int, datetime]]) -> None:
    """Tell a worker these lanes have work (due at the given moments)."""
    engine = local_engine()
    if engine is not None:
        for lane, (priority, at) in lanes.items():
            engine.wake(lane, Priority(priority), at=at)
        return
    try:
        _nudge_other_process(lanes)
    except Exception:  # the queue is unavailable: the worker's sweep finds the jobs anyway
        logger.exception("Could not wake the worker for %s", ", ".join(lanes))


def _nudge_other_process(lanes: dict[str, tuple[int, datetime]]) -> None:
    now = timezone.now()
    due_now = [(lane, priority) for lane, (priority, at) in lanes.items() if at <= now]
    if due_now:
        wake_lanes_task(due_now)
    # Later work: one message per moment (the sweep would find it too, a few seconds late).
    later: dict[datetime, list[tuple[str, int]]] = {}
    for lane, (priority, at) in lanes.items():
        if at > now:
            later.setdefault(at, []).append((lane, priority))
    for at, group in later.items():
        wake_lanes_task.schedule((group,), eta=at + timedelta(milliseconds=5))
