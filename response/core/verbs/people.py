"""Verbs on the people Response knows about (chat users)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from response.core.models import ExternalUser, Incident, Participant

PROFILE_FIELDS = ("display_name", "full_name", "email", "time_zone", "is_bot", "is_deleted")


def get_or_create_external_user(
    external_id: str, *, workspace_id: str = "", app: str = "slack"
) -> tuple[ExternalUser, bool]:
    """The user with this chat id, created bare (no profile yet) on first sight."""
    lookup = {"app": app, "workspace_id": workspace_id, "external_id": external_id}
    user = ExternalUser.objects.filter(**lookup).first()
    if user is not None:
        return user, False
    try:
        with transaction.atomic():
            return ExternalUser.objects.create(**lookup), True
    except IntegrityError:
        return ExternalUser.objects.get(**lookup), False


def link_external_user(account: ExternalUser, *, user: User) -> ExternalUser:
    """Link a chat account to the web UI's user who signed in as it (Sign in with Slack): from
    then on the web UI's changes by that user are theirs in chat too."""
    account.user = user
    account.save(update_fields=["user"])
    return account


def update_external_user_profile(
    user: ExternalUser, *, fetched_at: datetime | None = None, **profile: str | bool | None
) -> ExternalUser:
    """Store what the chat platform says about a user (display name, e-mail, time zone, ...)."""
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown profile fields: {', '.join(sorted(unknown))}")
    for name, value in profile.items():
        setattr(user, name, value if value is not None else "")
    user.profile_fetched_at = fetched_at or timezone.now()
    user.save(update_fields=[*profile, "profile_fetched_at"])
    return user


def note_participant(
    incident: Incident, user: ExternalUser, *, messages: int = 0, is_member: bool | None = None
) -> None:
    """Count someone's messages in the incident's channel, or note them joining or leaving.
    Not audited: it is bookkeeping about the conversation, not a change to the incident."""
    changes: dict[str, Any] = {}
    if messages:
        changes["message_count"] = F("message_count") + messages
    if is_member is not None:
        changes["is_member"] = is_member
    known = Participant.objects.filter(incident=incident, user=user)
    # Someone who writes has usually written before: one UPDATE, and an INSERT only the first time.
    if changes and known.update(**changes):
        return
    try:
        with transaction.atomic():
            Participant.objects.create(
                incident=incident,
                user=user,
                message_count=messages,
                is_member=True if is_member is None else is_member,
                joined_at=timezone.now(),
            )
    except IntegrityError:  # they wrote twice at once; the other one created them
        if changes:
            known.update(**changes)
