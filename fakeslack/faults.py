"""Fault injection for the Web API: rate limits, server errors, slow answers, dropped connections.

Faults apply to the next ``count`` matching calls, or to every matching call within ``window``
seconds, or both (whichever ends first); with neither they apply until removed.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass
class Fault:
    method: str | None = None  # None: every method
    status: int | None = None  # 429, 500, 503; None with delay only: a slow but correct answer
    retry_after: int | None = None
    count: int | None = None
    delay: float = 0.0
    drop: bool = False
    until: float | None = None  # monotonic deadline, from ``window``
    hits: int = 0

    def matches(self, method: str, now: float) -> bool:
        if self.method not in (None, method):
            return False
        if self.until is not None and now > self.until:
            return False
        return self.count is None or self.hits < self.count

    @property
    def spent(self) -> bool:
        expired = self.until is not None and time.monotonic() > self.until
        return expired or (self.count is not None and self.hits >= self.count)


class Faults:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self.outage_mode: str | None = None  # "503" or "drop" while Slack is down

    def add(
        self,
        method: str | None = None,
        *,
        status: int | None = None,
        retry_after: int | None = None,
        count: int | None = None,
        delay: float = 0.0,
        drop: bool = False,
        window: float | None = None,
    ) -> Fault:
        """Inject a fault. ``status=429`` defaults ``retry_after`` to 1 second."""
        if status is None and not drop and not delay:
            raise ValueError("a fault needs a status, drop=True or a delay")
        if status == 429 and retry_after is None:
            retry_after = 1
        fault = Fault(
            method=method,
            status=status,
            retry_after=retry_after,
            count=count,
            delay=delay,
            drop=drop,
            until=None if window is None else time.monotonic() + window,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def remove(self, fault: Fault) -> None:
        with self._lock:
            if fault in self._faults:
                self._faults.remove(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self.outage_mode = None

    def active(self) -> list[Fault]:
        with self._lock:
            self._faults = [f for f in self._faults if not f.spent]
            return list(self._faults)

    def take(self, method: str) -> Fault | None:
        """The first fault matching this call, counted as used."""
        if self.outage_mode == "drop":
            return Fault(drop=True)
        if self.outage_mode == "503":
            return Fault(status=503)
        now = time.monotonic()
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, now):
                    fault.hits += 1
                    return fault
        return None
