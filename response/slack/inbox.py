"""Group commit for delivered events.

Every Events API delivery must be committed before Slack gets its answer, and committing is
what an acknowledgement costs most, more so on SQLite, which has one writer at a time. Request
threads hand their event to one writer thread and wait; the writer commits everything waiting
in one transaction, so under load many deliveries share one commit instead of queueing for the
write lock. Then, with the requests already answered, it nudges the worker once per lane.

(Request threads taking turns as the committer, with no writer thread, was tried too: as fast
alone, but a third slower at 8 and 32 concurrent deliveries; docs/benchmarks.md.)
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from response.slack.models import Job

logger = logging.getLogger(__name__)

MAX_BATCH = 200
WAIT_SECONDS = 10  # well inside Slack's 3 s only matters for the fast path; this is a backstop
IDLE_CLOSE_SECONDS = 1.0  # release the database connection when nothing arrives for this long

_INSERT = (
    "INSERT INTO {table} (lane, delivery_key, kind, payload, state, attempts, not_before, "
    "last_error, result, created_at) VALUES (%s, %s, 'slack_event', %s, 'pending', 0, %s, '', "
    "%s, %s) ON CONFLICT (delivery_key) DO NOTHING RETURNING id"
)


@dataclass
class _Pending:
    lane: str
    key: str
    payload: str
    done: threading.Event = field(default_factory=threading.Event)
    inserted: bool = False
    error: BaseException | None = None


class EventInbox:
    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[_Pending] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def record(self, *, lane: str, key: str, body: dict) -> bool:
        """Commit the event as a job; False if its key was recorded before (a redelivery)."""
        pending = _Pending(lane=lane, key=key, payload=json.dumps(body))
        self._ensure_writer()
        self._queue.put(pending)
        if not pending.done.wait(WAIT_SECONDS):
            raise TimeoutError("the event inbox did not commit in time")
        if pending.error is not None:
            raise pending.error
        return pending.inserted

    def release_connection(self) -> None:
        """Have the writer close its database connection now (tests drop their database)."""
        if self._thread is None or not self._thread.is_alive():
            return
        marker = _Pending(lane="", key="", payload="")
        self._queue.put(marker)
        marker.done.wait(WAIT_SECONDS)

    def _ensure_writer(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="response-event-inbox", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=IDLE_CLOSE_SECONDS)
            except queue.Empty:
                connection.close()  # don't hold a connection (or a test database) while idle
                continue
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            markers = [p for p in batch if not p.key]  # from release_connection()
            batch = [p for p in batch if p.key]
            try:
                self._write(batch)
            except BaseException as error:  # every waiting request must hear about it
                logger.exception("Could not record %s Slack events", len(batch))
                for pending in batch:
                    pending.error = error
                connection.close()
            finally:
                for pending in batch:
                    pending.done.set()
            if not any(p.error for p in batch):
                self._nudge({p.lane for p in batch if p.inserted})
            if markers:
                connection.close()
                for marker in markers:
                    marker.done.set()

    def _write(self, batch: list[_Pending]) -> None:
        if not batch:
            return
        # Written out rather than through the ORM: building each INSERT through the ORM costs
        # more than the rest of an acknowledgement together (docs/benchmarks.md).
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        sql = _INSERT.format(table=connection.ops.quote_name(Job._meta.db_table))
        with transaction.atomic(), connection.cursor() as cursor:
            for pending in batch:
                cursor.execute(sql, [pending.lane, pending.key, pending.payload, now, "{}", now])
                pending.inserted = cursor.fetchone() is not None

    def _nudge(self, lanes: set[str]) -> None:
        from response.slack.jobs import kick

        for lane in lanes:
            try:
                kick(lane)
            except Exception:  # the sweep re-nudges lanes whose nudge was lost
                logger.exception("Could not nudge the worker for %s", lane)


EVENT_INBOX = EventInbox()
