"""Fault injection for the Web API: rate limits, server errors, slow answers, dropped connections,
and lost answers.

Most faults answer *instead of* Slack: the call changes nothing. A lost answer is the other
failure a client must survive: Slack carried the call out, but its answer never arrived (the
connection dropped, or the answer came after the client stopped waiting).

Faults apply to the next ``count`` matching calls, or to every matching call within ``window``
seconds, or both (whichever ends first); with neither they apply until removed.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

# How a lost answer is lost: the connection is closed without one, or it comes after ``delay``.
LOSE_ANSWER = ("drop", "late")


@dataclass
class Fault:
    method: str | None = None  # None: every method
    status: int | None = None  # 429, 500, 503; None with delay only: a slow but correct answer
    retry_after: int | None = None
    count: int | None = None
    # Before answering; with ``lose_answer``, between applying the call and losing its answer.
    delay: float = 0.0
    drop: bool = False
    lose_answer: str | None = None  # "drop" or "late": the call is applied, its answer lost
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


def _check(*, status: int | None, drop: bool, delay: float, lose_answer: str | None) -> None:
    if lose_answer is None:
        if status is None and not drop and not delay:
            raise ValueError("a fault needs a status, drop=True, lose_answer or a delay")
        return
    if lose_answer not in LOSE_ANSWER:
        raise ValueError(f"lose_answer is one of {LOSE_ANSWER}")
    if status is not None or drop:
        raise ValueError("lose_answer applies the call: it takes no status and no drop")
    if lose_answer == "late" and not delay:
        raise ValueError('lose_answer="late" needs a delay (longer than the client waits)')


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
        lose_answer: str | None = None,
        window: float | None = None,
    ) -> Fault:
        """Inject a fault. ``status=429`` defaults ``retry_after`` to 1 second.

        ``lose_answer="drop"`` applies the call, then closes the connection without answering;
        ``lose_answer="late"`` applies it and answers only after ``delay`` seconds (make it longer
        than the client's timeout).
        """
        _check(status=status, drop=drop, delay=delay, lose_answer=lose_answer)
        if status == 429 and retry_after is None:
            retry_after = 1
        fault = Fault(
            method=method,
            status=status,
            retry_after=retry_after,
            count=count,
            delay=delay,
            drop=drop,
            lose_answer=lose_answer,
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
