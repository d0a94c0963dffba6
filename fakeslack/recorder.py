"""A record of every Web API call, for tests to assert on."""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    time: float
    response: dict[str, Any]
    # HTTP status answered (429/500/503 when a fault was injected); None for a dropped connection.
    status: int | None = 200
    fault: bool = False
    # "drop" or "late" when a fault lost the answer to a call that was applied.
    lost_answer: str | None = None

    @property
    def ok(self) -> bool:
        """The client was answered 200 and ``ok`` (or would have been, for a late answer)."""
        return self.status == 200 and bool(self.response.get("ok"))

    @property
    def applied(self) -> bool:
        """Slack carried the call out, whether or not its answer reached the client."""
        return bool(self.response.get("ok"))

    def __getitem__(self, key: str) -> Any:
        """Dict-style access (``call["args"]``) for tests that prefer it."""
        return getattr(self, key)


@dataclass
class Recorder:
    calls: list[Call] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def select(self, method: str | None = None, *, ok: bool | None = None) -> list[Call]:
        with self._lock:
            calls = list(self.calls)
        return [
            copy.deepcopy(c)
            for c in calls
            if (method is None or c.method == method) and (ok is None or c.ok == ok)
        ]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()
