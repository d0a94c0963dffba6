"""Group commit for delivered events.

Every Events API delivery must be committed before Slack gets its answer, and committing is
what an acknowledgement costs most, more so on SQLite, which has one writer at a time. Request
threads hand their event to one writer thread and wait; the writer commits everything waiting
in one transaction, so under load many deliveries share one commit instead of queueing for the
write lock. Then, with the requests already answered, it wakes the worker for their lanes.

A delivery the database refuses must not fail the others that shared its commit: the view
validates lengths and characters first (response.slack.inbound.validation), and if a batch
fails anyway its rows are written one by one, so only the bad one is refused.

(Request threads taking turns as the committer, with no writer thread, was tried too: as fast
alone, but a third slower at 8 and 32 concurrent deliveries; docs/benchmarks.md.)
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from response.engine.kinds import Priority
from response.engine.models import Job
from response.engine.queue import wake

logger = logging.getLogger(__name__)

MAX_BATCH = 200
WAIT_SECONDS = 10  # a backstop: a commit takes milliseconds
IDLE_CLOSE_SECONDS = 1.0  # release the database connection when nothing arrives for this long

# Written out rather than through the ORM: building each INSERT through the ORM costs more than
# the rest of an acknowledgement together (docs/benchmarks.md). The job is a SlackEvent
# (response.slack.inbound.delivered) whose payload is {"body": <the envelope>}.
_INSERT = (
    "INSERT INTO {table} (kind, lane, delivery_key, payload, priority, state, attempts, "
    "failures, not_before, claimed_by, waiting_on, last_error, result, created_at) "
    "VALUES ('slack.event', %s, %s, %s, {priority}, 'pending', 0, 0, %s, '', '', '', '{{}}', %s) "
    "ON CONFLICT (delivery_key) DO NOTHING RETURNING id"
)


class RefusedDelivery(Exception):
    """The database would not store this delivery (the others of its batch were stored)."""


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
        """Commit the event as a job; False if its key was recorded before (a redelivery).
        Raises RefusedDelivery when the database refuses it."""
        pending = _Pending(lane=lane, key=key, payload=json.dumps({"body": body}))
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
            except BaseException as error:
                logger.exception("Could not record %s Slack events", len(batch))
                for pending in batch:
                    pending.error = pending.error or error
                connection.close()
            finally:
                for pending in batch:
                    pending.done.set()
            self._wake({p.lane for p in batch if p.inserted})
            if markers:
                connection.close()
                for marker in markers:
                    marker.done.set()

    def _write(self, batch: list[_Pending]) -> None:
        if not batch:
            return
        try:
            with transaction.atomic():
                self._insert(batch)
        except DatabaseError:
            if len(batch) == 1:
                raise
            # One bad row fails the whole commit: write them one by one, refusing only it.
            logger.warning("A batch of %s events failed; writing them one by one", len(batch))
            for pending in batch:
                pending.inserted = False
                try:
                    with transaction.atomic():
                        self._insert([pending])
                except DatabaseError as error:
                    pending.error = RefusedDelivery(str(error).splitlines()[0][:200])

    def _insert(self, batch: list[_Pending]) -> None:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        sql = _INSERT.format(
            table=connection.ops.quote_name(Job._meta.db_table), priority=int(Priority.INBOUND)
        )
        with connection.cursor() as cursor:
            for pending in batch:
                cursor.execute(sql, [pending.lane, pending.key, pending.payload, now, now])
                pending.inserted = cursor.fetchone() is not None

    def _wake(self, lanes: set[str]) -> None:
        if not lanes:
            return
        now = timezone.now()
        wake({lane: (Priority.INBOUND, now) for lane in lanes})


EVENT_INBOX = EventInbox()
