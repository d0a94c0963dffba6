"""Verbs on API tokens: create, revoke, and find the user behind a presented token."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from response.api.models import ApiToken

TOKEN_PREFIX = "rsp_"
VISIBLE_CHARS = 12  # "rsp_" and 8 random characters: enough to tell tokens apart in a list
MAX_TOKEN_LENGTH = 100
# Writing last_used_at on every request would turn every read into a write; a minute is plenty.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(
    user, *, name: str, read_only: bool = False, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the token, which is never stored nor shown
    again."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user,
        name=name.strip() or "API token",
        prefix=token[:VISIBLE_CHARS],
        digest=digest_of(token),
        read_only=read_only,
        expires_at=expires_at,
    )
    return row, token


def revoke_api_token(token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_for(token: str) -> ApiToken | None:
    """The usable token row (with its user) for a presented token, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN_LENGTH:
        return None
    now = timezone.now()
    row = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest_of(token), revoked_at__isnull=True, user__is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if row is None:
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row
