"""The notification building blocks: reminders that run on the worker while an incident is open.

    @recurring_notification(interval_mins=30, max_notifications=10)
    def take_a_break(incident): ...

    @single_notification(initial_delay_mins=5)
    def remind_once(incident): ...

A handler takes the incident. Returning normally counts as a send. Returning `NOT_NOW` (or raising
`NotNow`, optionally with `at=` or `retry_in_mins=`) declines without using up a send; any other
exception is logged with the incident id and retried with backoff. Handlers run inside the
database transaction that records the send, so what they enqueue (Slack messages through the
outbox, `comms_channel.post_in_channel`) is committed exactly when the send is counted: once. A
handler that calls a verb (verbs insist on their own transaction) is run outside it instead; for
such a handler, a worker killed between its work and the record means at least once.

Each notification is switched on or off with `RESPONSE_REMINDERS` in the settings, by its key
(`module.function`), a built-in one also by its name: `RESPONSE_REMINDERS = {"no_lead": False}`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from response.core.events import Change
from response.registry import Registry


class NotNow(Exception):
    """Raised (or returned as `NOT_NOW`) by a notification handler that declines to send this
    time, e.g. outside the lead's working hours; the attempt does not count as a send.

    `at` (an aware datetime) or `retry_in_mins` says when to ask again; by default a recurring
    notification is asked again after its interval, a single one after `SINGLE_RETRY`."""

    def __init__(
        self, reason: str = "", *, at: datetime | None = None, retry_in_mins: float | None = None
    ):
        super().__init__(reason)
        self.at = at
        self.retry_in = timedelta(minutes=retry_in_mins) if retry_in_mins is not None else None


NOT_NOW = NotNow

# When a single notification declines without saying when to ask again.
SINGLE_RETRY = timedelta(minutes=5)


class Phase:
    """When a notification's clock runs."""

    OPEN = "open"  # from declaration (or reopening) until resolution: the public decorators
    RESOLVED = "resolved"  # from resolution until reopening (the write-up request)
    ACTION = "action"  # from a follow-up action's due date until it is done; handler(action)


@dataclass(frozen=True)
class NotificationSpec:
    key: str  # module.function: stable, names the notification in the database
    func: Callable
    initial_delay_mins: int
    interval_mins: int | None  # None: send once
    max_notifications: int
    phase: str = Phase.OPEN
    # Event kinds (response.core.events) after which the notification is asked again at once,
    # e.g. the update cadence after a severity change.
    wake_on: frozenset[Change] = frozenset()

    @property
    def name(self) -> str:
        return self.func.__name__

    def decline_retry(self) -> timedelta:
        return timedelta(minutes=self.interval_mins) if self.interval_mins else SINGLE_RETRY


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


def notification_options(*, phase: str | None = None, wake_on: tuple[Change, ...] = ()) -> Callable:
    """Refine a notification registered by the decorator just below this one (built-ins use it):

    @notification_options(phase=Phase.RESOLVED)
    @single_notification(initial_delay_mins=0)
    def ask_for_write_up(incident): ...
    """

    def refine(func: Callable) -> Callable:
        spec = NOTIFICATIONS.get(_key(func))
        NOTIFICATIONS.unregister(spec.key)
        NOTIFICATIONS.register(
            spec.key,
            dataclasses.replace(
                spec,
                phase=phase or spec.phase,
                wake_on=spec.wake_on | frozenset(wake_on),
            ),
        )
        return func

    return refine


BUILTIN_MODULE = "response.slack.reminders"


def is_enabled(spec: NotificationSpec) -> bool:
    """RESPONSE_REMINDERS switches a notification by its key, or a built-in one by its short name
    ("no_lead", "take_a_break", ...); a notification not mentioned is on."""
    switches = getattr(settings, "RESPONSE_REMINDERS", {}) or {}
    if spec.key in switches:
        return bool(switches[spec.key])
    if spec.key == f"{BUILTIN_MODULE}.{spec.name}":
        return bool(switches.get(spec.name, True))
    return True


def enabled_notifications(phase: str) -> list[NotificationSpec]:
    return [s for s in NOTIFICATIONS.values() if s.phase == phase and is_enabled(s)]
