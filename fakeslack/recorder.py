"""A record of Web API calls, for tests to assert on, and a count of them, for benchmarks.

Every call is counted per method, always, at the cost of one counter per method. The calls
themselves (arguments and answers) are kept too, by default all of them; a long benchmark can keep
only the latest ``N`` or none (``FakeSlack(record_calls=N)`` / ``False``), so memory stays flat.
"""

from __future__ import annotations

import copy
import threading
from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass
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


class Recorder:
    def __init__(self, keep: bool | int = True) -> None:
        """``keep``: ``True`` keeps every call, ``False`` none, a number the latest that many."""
        self._calls: deque[Call] = deque(maxlen=None if keep is True else max(0, int(keep)))
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def record(self, call: Call) -> None:
        with self._lock:
            self._counts[call.method] += 1
            self._calls.append(call)

    def select(self, method: str | None = None, *, ok: bool | None = None) -> list[Call]:
        with self._lock:
            calls = list(self._calls)
        return [
            copy.deepcopy(c)
            for c in calls
            if (method is None or c.method == method) and (ok is None or c.ok == ok)
        ]

    def counts(self, since: Mapping[str, int] | None = None) -> dict[str, int]:
        """Calls made per method; with ``since`` (an earlier result), only those made after it."""
        with self._lock:
            counts = dict(self._counts)
        if since is None:
            return counts
        after = {method: n - since.get(method, 0) for method, n in counts.items()}
        return {method: n for method, n in after.items() if n > 0}

    @property
    def total(self) -> int:
        """Calls made since the start, kept or not."""
        with self._lock:
            return self._counts.total()

    def clear(self) -> None:
        """Forget the kept calls (the counts go on)."""
        with self._lock:
            self._calls.clear()
