"""Fixtures for the reminder tests: notifications of our own, and declaring with the real verbs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from response.core import verbs
from response.notifications.registry import NOTIFICATIONS, NotificationSpec, Phase

BUILTINS = (
    "no_lead",
    "no_severity",
    "update_cadence",
    "long_running",
    "write_up",
    "overdue_actions",
    "take_a_break",
    "postmortem_owner",
)


@pytest.fixture
def no_builtins(settings):
    """Only the notifications a test registers itself."""
    settings.RESPONSE_REMINDERS = dict.fromkeys(BUILTINS, False)


class Recorder:
    """A notification handler that remembers each call and does what it is told."""

    def __init__(self, name: str):
        self.name = name
        self.calls: list[int] = []
        self.behaviour: Callable | None = None

    def __call__(self, subject):
        self.calls.append(subject.pk)
        if self.behaviour is not None:
            return self.behaviour(subject)
        return None


@pytest.fixture
def register() -> Iterator[Callable[..., Recorder]]:
    """register(interval_mins=..., max_notifications=..., initial_delay_mins=..., phase=...)
    adds a recording notification for the test."""
    with ExitStack() as stack:

        def add(
            name: str = "recorded",
            *,
            initial_delay_mins: int = 2,
            interval_mins: int | None = 2,
            max_notifications: int = 3,
            phase: str = Phase.OPEN,
            wake_on: frozenset[str] = frozenset(),
        ) -> Recorder:
            recorder = Recorder(name)
            recorder.__name__ = name
            key = f"tests.notifications.{name}"
            spec = NotificationSpec(
                key,
                recorder,
                initial_delay_mins,
                interval_mins,
                max_notifications,
                phase=phase,
                wake_on=wake_on,
            )
            stack.enter_context(NOTIFICATIONS.override(key, spec))
            recorder.key = key
            return recorder

        yield add


@pytest.fixture
def declare(django_capture_on_commit_callbacks):
    """Declare an incident with the real verb, running its after-commit announcements."""

    def run(title: str = "Checkout is failing", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return verbs.declare_incident(title=title, **kwargs)

    return run


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """committed(verb, *args, **kwargs): call a verb and run its after-commit announcements."""

    def run(verb, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return verb(*args, **kwargs)

    return run
