"""Slack users as the core knows them (ExternalUser); profiles are fetched once, not per message.

Every delivered event names its user, so the ExternalUser behind a Slack id is remembered for a
minute (per process) instead of read each time; a profile fetched here replaces it at once.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from django.utils import timezone

from response.core.models import ExternalUser
from response.core.verbs import get_or_create_external_user
from response.slack.outbound.outbox import fetch_profile

# Profiles (names, time zones) change rarely; refresh them at most this often.
PROFILE_MAX_AGE = timedelta(days=1)
REMEMBER_SECONDS = 60.0

_known: dict[str, tuple[ExternalUser, float]] = {}
_lock = threading.Lock()


def slack_user(user_id: str) -> ExternalUser:
    """The ExternalUser for a Slack user id; the profile is fetched on the worker when new/stale."""
    remembered = _known.get(user_id)
    if remembered is not None and time.monotonic() - remembered[1] < REMEMBER_SECONDS:
        return remembered[0]
    user, _ = get_or_create_external_user(user_id)
    if (
        user.profile_fetched_at is None
        or user.profile_fetched_at < timezone.now() - PROFILE_MAX_AGE
    ):
        fetch_profile(user_id)
    else:
        with _lock:
            _known[user_id] = (user, time.monotonic())
    return user


def forget_person(sender, instance: ExternalUser, **kwargs) -> None:
    """A chat account changed (its profile arrived): read it afresh next time."""
    with _lock:
        _known.pop(instance.external_id, None)


def slack_user_or_none(user_id: str | None) -> ExternalUser | None:
    return slack_user(user_id) if user_id else None


def forget_people() -> None:
    """After a profile changed (and in tests, with each new database)."""
    with _lock:
        _known.clear()
