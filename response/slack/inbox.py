"""Group commit for delivered events.

Every Events API delivery must be committed before Slack gets its answer, and committing is
what an acknowledgement costs most, more so on SQLite, which has one writer at a time. So the
request threads of a process take turns: the one holding the turn commits every event waiting at
that moment, its own and those of the threads queued behind it, in one transaction. Alone, a
request simply commits its own event; under load, many deliveries share one commit instead of
each waiting for the write lock. The worker is then nudged once per lane.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import deque
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from response.slack.models import Job

logger = logging.getLogger(__name__)

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
    written: bool = False
    inserted: bool = False
    error: BaseException | None = None


class EventInbox:
    def __init__(self) -> None:
        self._waiting: deque[_Pending] = deque()
        self._turn = threading.Lock()

    def record(self, *, lane: str, key: str, body: dict) -> bool:
        """Commit the event as a job; False if its key was recorded before (a redelivery)."""
        pending = _Pending(lane=lane, key=key, payload=json.dumps(body))
        self._waiting.append(pending)
        batch: list[_Pending] = []
        with self._turn:
            if not pending.written:  # nobody took it along: commit everything waiting
                while self._waiting:
                    batch.append(self._waiting.popleft())
                self._write(batch)
        if pending.error is not None:
            raise pending.error
        self._nudge({p.lane for p in batch if p.inserted})
        return pending.inserted

    def _write(self, batch: list[_Pending]) -> None:
        # Written out rather than through the ORM: building each INSERT through the ORM costs
        # more than the rest of an acknowledgement together (docs/benchmarks.md).
        try:
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            sql = _INSERT.format(table=connection.ops.quote_name(Job._meta.db_table))
            with transaction.atomic(), connection.cursor() as cursor:
                for pending in batch:
                    values = [pending.lane, pending.key, pending.payload, now, "{}", now]
                    cursor.execute(sql, values)
                    pending.inserted = cursor.fetchone() is not None
        except BaseException as error:  # every request in the batch must hear about it
            logger.exception("Could not record %s Slack events", len(batch))
            for pending in batch:
                pending.error, pending.inserted = error, False
        finally:
            for pending in batch:
                pending.written = True

    def _nudge(self, lanes: set[str]) -> None:
        from response.slack.jobs import kick

        for lane in lanes:
            try:
                kick(lane)
            except Exception:  # the sweep re-nudges lanes whose nudge was lost
                logger.exception("Could not nudge the worker for %s", lane)


EVENT_INBOX = EventInbox()
