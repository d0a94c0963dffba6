"""Delivers events caused by Web API calls on a background thread, in order.

A Web API call must answer at once, not wait for the app to handle the events it caused (the
app may well be the caller). ``settle()`` waits until everything queued has been delivered.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any


class EventPump:
    def __init__(self, deliver: Callable[..., object]) -> None:
        self._deliver = deliver
        self._queue: queue.Queue[list[dict[str, Any]] | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="fakeslack-events", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the delivery in flight; events still queued are dropped."""
        if self._thread is not None:
            while True:
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    break
                self._queue.task_done()
            self._queue.put(None)
            self._thread.join(timeout=5)
            self._thread = None

    def put(self, events: list[dict[str, Any]]) -> None:
        self._queue.put(events)

    def settle(self, timeout: float = 5.0) -> bool:
        """Wait until every queued event was delivered; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._queue.all_tasks_done:
            while self._queue.unfinished_tasks:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._queue.all_tasks_done.wait(remaining)
        return True

    def _run(self) -> None:
        while True:
            events = self._queue.get()
            try:
                if events is None:
                    return
                self._deliver(*events)
            finally:
                self._queue.task_done()
