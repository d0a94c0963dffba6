"""The engine's threads: which lane to run next, and when to look again.

Lanes are woken by `response.engine.queue` after a commit (in this process: a call; from another
process: a Huey message), by their own timers (a retry's backoff, a reminder's due time), and by
the sweep, which every few seconds looks for due lanes nobody is running (their wake-up was
lost, their worker died) and asks remote services that jobs wait for whether they are back.

A worker thread takes the waiting lane of the highest priority (a lane that has waited over
`AGING_SECONDS` counts as the highest), runs it for a short slice, and queues it again at the
back if work is left: replies are never stuck behind a backlog of inbound events, and a busy
lane shares the threads with the others.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections import deque
from datetime import datetime, timedelta

from django.db import close_old_connections, connection
from django.utils import timezone

from response.engine import health, runner
from response.engine.kinds import Priority
from response.engine.local import local_engine, set_local_engine

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 5.0
AGING_SECONDS = 1.0
ERROR_PAUSE_SECONDS = 1.0


class Engine:
    def __init__(self, *, threads: int = 4, sweep_seconds: float = SWEEP_SECONDS) -> None:
        self.threads = threads
        self.sweep_seconds = sweep_seconds
        self.running = False
        self._cond = threading.Condition()  # worker threads wait on it for lanes to run
        # The sweeper waits on this instead: a wake-up notifies one waiter of `_cond`, and one
        # that reached the sweeper was lost until the next sweep (seconds later).
        self._stopping = threading.Event()
        self._queues: dict[Priority, deque[tuple[str, float]]] = {p: deque() for p in Priority}
        self._queued: dict[str, Priority] = {}
        self._running: set[str] = set()
        self._again: dict[str, Priority] = {}  # woken while running: queue again after the slice
        self._timers: list[tuple[float, int, str, Priority]] = []
        self._sequence = itertools.count()
        self._workers: list[threading.Thread] = []
        self._busy = 0

    # --- Lifecycle ---------------------------------------------------------------------------

    def start(self) -> Engine:
        self.running = True
        self._stopping.clear()
        for number in range(self.threads):
            thread = threading.Thread(
                target=self._work, name=f"response-engine-{number}", daemon=True
            )
            thread.start()
            self._workers.append(thread)
        sweeper = threading.Thread(target=self._sweep_loop, name="response-sweep", daemon=True)
        sweeper.start()
        self._workers.append(sweeper)
        set_local_engine(self)
        self.sweep()  # work left by the previous run
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the slices being run, then stop (pending work stays in the database)."""
        if local_engine() is self:
            set_local_engine(None)
        with self._cond:
            self.running = False
            self._cond.notify_all()
        self._stopping.set()
        deadline = time.monotonic() + timeout
        for thread in self._workers:
            thread.join(max(deadline - time.monotonic(), 0.1))
        self._workers.clear()

    def idle(self) -> bool:
        """Nothing queued or running in this engine (timers may be waiting)."""
        with self._cond:
            return not self._queued and not self._running and not self._busy

    # --- Waking lanes ------------------------------------------------------------------------

    def wake(self, lane: str, priority: Priority = Priority.VISIBLE, *, at: datetime | None = None):
        delay = (at - timezone.now()).total_seconds() if at is not None else 0.0
        with self._cond:
            if delay > 0.001:
                heapq.heappush(
                    self._timers, (time.monotonic() + delay, next(self._sequence), lane, priority)
                )
            else:
                self._queue(lane, priority)
            self._cond.notify()

    def _queue(self, lane: str, priority: Priority) -> None:
        """With the lock held."""
        if lane in self._running:
            self._again[lane] = min(priority, self._again.get(lane, priority))
            return
        queued = self._queued.get(lane)
        if queued is not None and queued <= priority:
            return
        # A lane queued at a lower priority is queued again higher; the stale entry is skipped.
        self._queued[lane] = priority
        self._queues[priority].append((lane, time.monotonic()))

    def sweep(self) -> None:
        """Queue every due lane nobody is running; ask services jobs wait for if they're back."""
        try:
            lanes = runner.lanes_due()
            health.probe_waiting_remotes()
        except Exception:
            logger.exception("The engine's sweep failed")
            return
        finally:
            close_old_connections()
        with self._cond:
            for lane, priority in lanes.items():
                if lane not in self._running:
                    self._queue(lane, Priority(priority))
            self._cond.notify_all()

    # --- The threads -------------------------------------------------------------------------

    def _sweep_loop(self) -> None:
        while not self._stopping.wait(self.sweep_seconds):
            self.sweep()
        connection.close()

    def _next_lane(self) -> tuple[str, Priority] | None:
        """With the lock held: the lane to run next, or None."""
        now = time.monotonic()
        while self._timers and self._timers[0][0] <= now:
            _, _, lane, priority = heapq.heappop(self._timers)
            self._queue(lane, priority)
        # A lane that has waited too long goes first, whatever its priority.
        for priority in reversed(Priority):
            queue = self._queues[priority]
            if queue and now - queue[0][1] > AGING_SECONDS and priority != Priority.VISIBLE:
                picked = self._pop(queue, priority)
                if picked:
                    return picked
        for priority in Priority:
            picked = self._pop(self._queues[priority], priority)
            if picked:
                return picked
        return None

    def _pop(self, queue: deque[tuple[str, float]], priority: Priority):
        while queue:
            lane, _ = queue.popleft()
            if self._queued.get(lane) == priority:  # else a stale entry (re-queued higher)
                del self._queued[lane]
                self._running.add(lane)
                return lane, priority
        return None

    def _work(self) -> None:
        while True:
            with self._cond:
                picked = None
                while self.running:
                    picked = self._next_lane()
                    if picked:
                        self._busy += 1
                        break
                    timeout = self._timers[0][0] - time.monotonic() if self._timers else None
                    self._cond.wait(timeout)
                if not self.running or picked is None:
                    break
            lane, priority = picked
            result = self._run(lane)
            with self._cond:
                self._busy -= 1
                self._running.discard(lane)
                again = self._again.pop(lane, None)
                if result.more or again is not None:
                    self._queue(lane, min(priority, again) if again is not None else priority)
                elif result.wait_until is not None:
                    delay = max((result.wait_until - timezone.now()).total_seconds(), 0.0)
                    heapq.heappush(
                        self._timers,
                        (time.monotonic() + delay, next(self._sequence), lane, priority),
                    )
                self._cond.notify()
        connection.close()

    def _run(self, lane: str) -> runner.SliceResult:
        try:
            return runner.run_slice(lane)
        except Exception:
            # The database went away, say: try the lane again shortly.
            logger.exception("Running lane %s failed", lane)
            connection.close()
            return runner.SliceResult(
                0, wait_until=timezone.now() + timedelta(seconds=ERROR_PAUSE_SECONDS)
            )
