"""The active endpoints, remembered by the process: the receiver runs on every change to every
incident (inside its transaction), and with no endpoint configured it must cost nothing.

The list is read again when an endpoint is saved or deleted in this process, and at most
REFRESH_SECONDS after it was last read, because the admin may run in another process.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from response.integrations.webhooks.models import Endpoint

REFRESH_SECONDS = 5.0


@dataclass(frozen=True)
class Subscriber:
    endpoint_id: int
    event_types: frozenset[str]  # empty: every type
    include_private: bool

    @classmethod
    def of(cls, endpoint: Endpoint) -> Subscriber:
        return cls(
            endpoint_id=endpoint.pk,
            event_types=frozenset(endpoint.event_types or ()),
            include_private=endpoint.include_private,
        )

    def wants(self, event_type: str, *, private: bool) -> bool:
        if private and not self.include_private:
            return False
        return not self.event_types or event_type in self.event_types


class _ActiveEndpoints:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: tuple[Subscriber, ...] = ()
        self._read_at: float | None = None

    def get(self) -> tuple[Subscriber, ...]:
        read_at = self._read_at
        if read_at is not None and time.monotonic() - read_at < REFRESH_SECONDS:
            return self._subscribers
        subscribers = tuple(
            Subscriber.of(endpoint)
            for endpoint in Endpoint.objects.filter(is_active=True).order_by("pk")
        )
        with self._lock:
            self._subscribers, self._read_at = subscribers, time.monotonic()
        return subscribers

    def forget(self) -> None:
        with self._lock:
            self._read_at = None


_active = _ActiveEndpoints()


def subscribers() -> tuple[Subscriber, ...]:
    """The active endpoints (at most REFRESH_SECONDS old)."""
    return _active.get()


def forget_subscribers(**_: object) -> None:
    """Read them again next time (an endpoint changed; a test starts on an empty database)."""
    _active.forget()
