"""The notification building blocks: reminders that run on the worker while an incident is open."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from response.slack.registry import Registry


class NotNow(Exception):
    """Raised (or returned as `NOT_NOW`) by a notification handler that declines to send this
    time, e.g. outside the lead's working hours; the attempt does not count as a send."""


NOT_NOW = NotNow


@dataclass(frozen=True)
class NotificationSpec:
    key: str  # module.function: stable, names the notification in the database
    func: Callable
    initial_delay_mins: int
    interval_mins: int | None  # None: send once
    max_notifications: int


NOTIFICATIONS: Registry[NotificationSpec] = Registry("notification")


def _key(func: Callable) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def recurring_notification(interval_mins: int, max_notifications: int = 1) -> Callable:
    """Call the handler `interval_mins` after the incident started, then every `interval_mins`
    after the previous call, at most `max_notifications` times, while the incident is open."""
    if interval_mins <= 0 or max_notifications <= 0:
        raise ValueError("interval_mins and max_notifications must be positive")

    def register(func: Callable) -> Callable:
        NOTIFICATIONS.register(
            _key(func),
            NotificationSpec(_key(func), func, interval_mins, interval_mins, max_notifications),
        )
        return func

    return register


def single_notification(initial_delay_mins: int = 0) -> Callable:
    """Call the handler once, `initial_delay_mins` after the incident started, if still open."""
    if initial_delay_mins < 0:
        raise ValueError("initial_delay_mins cannot be negative")

    def register(func: Callable) -> Callable:
        NOTIFICATIONS.register(
            _key(func), NotificationSpec(_key(func), func, initial_delay_mins, None, 1)
        )
        return func

    return register
