"""The statements the engine runs for every job, written out once.

Django builds each ORM statement anew every time it runs, and under a burst that cost most of a
busy worker's time: reading a lane's head through the ORM took 390 µs, written out 50 µs;
an UPDATE 120 µs against 18 µs (docs/benchmarks.md). These few statements run for every job, so
they are written here by hand, in SQL that SQLite and PostgreSQL both accept; everything else
uses the ORM.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime

from django.db import connection
from django.utils import timezone

from response.engine.models import Job

TABLE = Job._meta.db_table
COLUMNS = (
    "id",
    "kind",
    "lane",
    "key",
    "payload",
    "priority",
    "attempts",
    "failures",
    "not_before",
    "claimed_until",
    "created_at",
    "result",
)
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM {TABLE} WHERE lane = %s AND state = 'pending'"
INSERT_COLUMNS = (
    "kind",
    "lane",
    "key",
    "payload",
    "priority",
    "not_before",
    "created_at",
)
_INSERT = (
    f"INSERT INTO {TABLE} ({', '.join(INSERT_COLUMNS)}, state, attempts, failures, claimed_by, "
    "waiting_on, last_error, result) VALUES ({values}, 'pending', 0, 0, '', '', '', '{{}}')"
)


def _datetime(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)  # SQLite keeps UTC as text


def _json(value):
    return json.loads(value) if isinstance(value, str | bytes) else value


def _db_time(value: datetime | None):
    return connection.ops.adapt_datetimefield_value(value)


def _job(row) -> Job:
    values = dict(zip(COLUMNS, row, strict=True))
    values["payload"] = _json(values["payload"])
    values["result"] = _json(values["result"]) or {}
    for name in ("not_before", "claimed_until", "created_at"):
        values[name] = _datetime(values[name])
    return Job(**values, state=Job.State.PENDING)


def head(lane: str) -> Job | None:
    """The oldest pending job of the lane."""
    with connection.cursor() as cursor:
        cursor.execute(f"{_SELECT} ORDER BY id LIMIT 1", [lane])
        row = cursor.fetchone()
    return _job(row) if row else None


def lock_heads(lane: str, limit: int) -> list[Job]:
    """The lane's oldest pending jobs, locked until the transaction ends (PostgreSQL; on SQLite
    the transaction itself is the only writer)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"{_SELECT} ORDER BY id LIMIT %s{lock}", [lane, limit])
        return [_job(row) for row in cursor.fetchall()]


def claim(job_id: int, *, token: str, until: datetime, now: datetime) -> bool:
    """Take a remote job for a lease, if nobody holds it: of two racing workers, one wins. Its
    key is released, so changes made from now on queue a fresh job instead of joining this one."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET claimed_until = %s, claimed_by = %s, key = NULL, "
            "attempts = attempts + 1 WHERE id = %s AND state = 'pending' "
            "AND (claimed_until IS NULL OR claimed_until <= %s)",
            [_db_time(until), token, job_id, _db_time(now)],
        )
        return cursor.rowcount == 1


def claim_head(
    lane: str, *, kinds: list[str], token: str, until: datetime, now: datetime
) -> tuple[Job, bool] | None:
    """The lane's head, claimed for a lease in one statement, if it is a remote job (of `kinds`)
    that is due and that nobody holds; else None (the caller then looks at the head itself).
    The job comes back as claimed (its attempts counted, its key released), with whether other
    jobs wait behind it: when none do, the lane is done with once this one is (a job queued
    meanwhile wakes the lane again), and nobody needs to look."""
    if not kinds:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET claimed_until = %s, claimed_by = %s, key = NULL, "
            f"attempts = attempts + 1 WHERE id = (SELECT id FROM {TABLE} "
            "WHERE lane = %s AND state = 'pending' ORDER BY id LIMIT 1) "
            "AND not_before <= %s AND (claimed_until IS NULL OR claimed_until <= %s) "
            f"AND kind IN ({', '.join(['%s'] * len(kinds))}) RETURNING {', '.join(COLUMNS)}, "
            f"EXISTS (SELECT 1 FROM {TABLE} AS behind WHERE behind.lane = {TABLE}.lane "
            f"AND behind.state = 'pending' AND behind.id > {TABLE}.id)",
            [_db_time(until), token, lane, _db_time(now), _db_time(now), *kinds],
        )
        row = cursor.fetchone()
    return (_job(row[:-1]), bool(row[-1])) if row else None


def finish(job_id: int, *, token: str, result: dict, now: datetime) -> bool:
    """Mark a claimed job done; False if it is no longer ours (its lease ran out)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET state = 'done', done_at = %s, result = %s, claimed_until = NULL, "
            "claimed_by = '', failures = 0, waiting_on = '', last_error = '' "
            "WHERE id = %s AND claimed_by = %s AND state = 'pending'",
            [_db_time(now), json.dumps(result), job_id, token],
        )
        return cursor.rowcount == 1


def mark_done(job_ids: Iterable[int], *, now: datetime) -> None:
    """Transactional jobs done in one batch (each was tried once more)."""
    ids = list(job_ids)
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET state = 'done', done_at = %s, attempts = attempts + 1, "
            f"last_error = '', failures = 0 WHERE id IN ({', '.join(['%s'] * len(ids))})",
            [_db_time(now), *ids],
        )


def release_keys(job_ids: Iterable[int]) -> None:
    ids = list(job_ids)
    if ids:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET key = NULL WHERE id IN ({', '.join(['%s'] * len(ids))})", ids
            )


def insert(
    *, kind: str, lane: str, key: str | None, payload: dict, priority: int, due: datetime
) -> None:
    """A new pending job; with a key that a pending job already has, nothing (it coalesces)."""
    now = _db_time(timezone.now())
    values = [kind, lane, key, json.dumps(payload), priority, _db_time(due), now]
    sql = _INSERT.format(values=", ".join(["%s"] * len(values)))
    if key is not None:
        sql += " ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


# The sweep's looks. `state = 'pending'` is written as a literal on purpose: SQLite uses a
# partial index (engine_pending_due) only when the query's WHERE names its condition, and a
# bound parameter does not (through the ORM, it read every pending row: 8 ms at 40 000).
_LANES_DUE = (
    f"SELECT lane, MIN(priority) FROM {TABLE} WHERE state = 'pending' AND {{due}} "
    "AND (claimed_until IS NULL OR claimed_until <= %s) GROUP BY lane LIMIT %s"
)


def lanes_due_statement() -> str:
    # SQLite keeps no histogram, so it guesses that `not_before <= now` matches most rows and
    # reads all pending jobs in lane order to save a sort; told that few are due, it reads the
    # not_before index instead (0.2 ms instead of 7 ms with 40 000 reminders waiting).
    if connection.vendor == "sqlite":
        return _LANES_DUE.format(due="likelihood(not_before <= %s, 0.01)")
    return _LANES_DUE.format(due="not_before <= %s")


def lanes_due(now: datetime, *, limit: int) -> dict[str, int]:
    """Lanes whose head may be due and that nobody holds: {lane: priority}."""
    with connection.cursor() as cursor:
        cursor.execute(lanes_due_statement(), [_db_time(now), _db_time(now), limit])
        return dict(cursor.fetchall())


def next_due() -> datetime | None:
    """When the soonest pending job is due."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(not_before) FROM {TABLE} WHERE state = 'pending'")
        return _datetime(cursor.fetchone()[0])
