"""Workers say they are alive: `response doctor` and `/readyz` ask whether one is.

Each worker process (`response worker`, and the worker inside `response run`) keeps one row,
touched every `BEAT_SECONDS` on a thread of its own: one UPDATE, so it costs nothing. A worker
that stops removes its row; one that died (`kill -9`, a lost machine) leaves it behind, and the
others remove rows silent for `PRUNE_AFTER`.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import close_old_connections, connection
from django.utils import timezone

from response.engine.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

BEAT_SECONDS = 5.0
# A worker silent for longer is not counted as alive (a few missed beats: a loaded machine).
ALIVE_WITHIN = timedelta(seconds=30)
# A worker silent for this long is gone; its row is removed (looked for once a minute).
PRUNE_AFTER = timedelta(minutes=10)
PRUNE_EVERY_BEATS = 12


@dataclass(frozen=True)
class Alive:
    """The workers that beat recently, and how long ago the latest did."""

    workers: int
    latest_beat_age: float | None  # seconds; None when no worker ever beat


def alive_workers(now: datetime | None = None) -> Alive:
    now = now or timezone.now()
    latest = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    count = WorkerHeartbeat.objects.filter(beat_at__gte=now - ALIVE_WITHIN).count()
    age = (now - latest).total_seconds() if latest else None
    return Alive(workers=count, latest_beat_age=age)


class Heartbeat:
    """The beating thread of one worker process: `start()` and `stop()`."""

    def __init__(self, *, seconds: float = BEAT_SECONDS) -> None:
        self.seconds = seconds
        self.host = socket.gethostname()[:255]
        self.pid = os.getpid()
        self._beats = 0
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Heartbeat:
        self._beat_or_warn()  # alive from the first moment, before the thread's first wait
        self._thread = threading.Thread(target=self._run, name="response-heartbeat", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=self.seconds + 5)
        try:
            WorkerHeartbeat.objects.filter(host=self.host, pid=self.pid).delete()
        except Exception:  # stopping anyway: the others prune the row
            logger.warning("Could not remove this worker's heartbeat", exc_info=True)
        finally:
            connection.close()

    def beat(self) -> None:
        now = timezone.now()
        touched = WorkerHeartbeat.objects.filter(host=self.host, pid=self.pid).update(beat_at=now)
        if not touched:  # the first beat, or the row was pruned while this process was stuck
            WorkerHeartbeat.objects.update_or_create(
                host=self.host, pid=self.pid, defaults={"started_at": now, "beat_at": now}
            )
        if self._beats % PRUNE_EVERY_BEATS == 0:
            WorkerHeartbeat.objects.filter(beat_at__lt=now - PRUNE_AFTER).delete()
        self._beats += 1

    def _run(self) -> None:
        while not self._stopped.wait(self.seconds):
            self._beat_or_warn()
            close_old_connections()
        connection.close()

    def _beat_or_warn(self) -> None:
        try:
            self.beat()
        except Exception as error:  # the database is away for a moment: beat again next time
            logger.warning("The worker's heartbeat could not be recorded: %s", error)
