"""Slack users as the core knows them (ExternalUser); profiles are fetched once, not per message."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from response.core.models import ExternalUser
from response.core.verbs import get_or_create_external_user

# Profiles (names, time zones) change rarely; refresh them at most this often.
PROFILE_MAX_AGE = timedelta(days=1)


def slack_user(user_id: str) -> ExternalUser:
    """The ExternalUser for a Slack user id; the profile is fetched on the worker when new/stale."""
    user, _ = get_or_create_external_user(user_id)
    if (
        user.profile_fetched_at is None
        or user.profile_fetched_at < timezone.now() - PROFILE_MAX_AGE
    ):
        from response.slack.outbound.outbox import fetch_profile

        fetch_profile(user_id)
    return user


def slack_user_or_none(user_id: str | None) -> ExternalUser | None:
    return slack_user(user_id) if user_id else None
