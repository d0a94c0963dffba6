"""Wrong passwords are slowed, then locked out, per username and per client address.

A username's first two failures are free; each one after that holds the key for a moment that
doubles (1 s, 2 s, 4 s …), and at RESPONSE_LOGIN_MAX_FAILURES the key is locked for
RESPONSE_LOGIN_LOCKOUT_SECONDS. A client address may fail four times as often before either
(several people share an office's address). Failures are forgotten a lockout period after the
last one, and a username's on its first successful sign-in. Kept in the database, so every web
process sees the same counts.

Attempts refused while a key is held are not checked, and do not count: the password is never
tried, so guessing gains nothing, and a locked person's retries do not lock them for longer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from response.security.models import SignInThrottle

FREE_FAILURES = 2
ADDRESS_FACTOR = 4


@dataclass(frozen=True)
class Held:
    """Sign-in is refused for this long."""

    seconds: int

    def message(self) -> str:
        wait = (
            f"{self.seconds} second{'s' if self.seconds != 1 else ''}"
            if self.seconds < 120
            else f"{math.ceil(self.seconds / 60)} minutes"
        )
        return (
            "Too many failed sign-in attempts for this account or from this address. "
            f"Try again in {wait}."
        )


@dataclass(frozen=True)
class Key:
    name: str
    free: int  # failures that hold nothing
    most: int  # failures that lock out


def keys(username: str, address: str | None) -> list[Key]:
    """The keys an attempt counts against."""
    most = settings.RESPONSE_LOGIN_MAX_FAILURES
    found = [Key(f"user:{username.strip().lower()[:180]}", FREE_FAILURES, most)]
    if address:
        factor = ADDRESS_FACTOR
        found.append(Key(f"address:{address}", FREE_FAILURES * factor, most * factor))
    return found


def client_address(request: HttpRequest | None) -> str | None:
    """The address the connection came from. (Behind a proxy that is the proxy's: every
    client then shares the address limit, which is four times the username's.)"""
    return request.META.get("REMOTE_ADDR") if request is not None else None


def held(username: str, address: str | None, *, now: datetime | None = None) -> Held | None:
    now = now or timezone.now()
    until = (
        SignInThrottle.objects.filter(
            key__in=[key.name for key in keys(username, address)], locked_until__gt=now
        )
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )
    if until is None:
        return None
    return Held(seconds=max(1, math.ceil((until - now).total_seconds())))


def hold_after(failures: int, key: Key) -> timedelta | None:
    """How long a key is held after its n-th consecutive failure."""
    lockout = timedelta(seconds=settings.RESPONSE_LOGIN_LOCKOUT_SECONDS)
    if failures >= key.most:
        return lockout
    if failures <= key.free:
        return None
    return min(lockout, timedelta(seconds=2 ** (failures - key.free - 1)))


def record_failure(username: str, address: str | None) -> None:
    now = timezone.now()
    forget_before = now - timedelta(seconds=settings.RESPONSE_LOGIN_LOCKOUT_SECONDS)
    for key in keys(username, address):
        with transaction.atomic():
            row, _ = SignInThrottle.objects.select_for_update().get_or_create(key=key.name)
            if row.last_failure_at and row.last_failure_at < forget_before:
                row.failures = 0
            row.failures += 1
            row.last_failure_at = now
            hold = hold_after(row.failures, key)
            row.locked_until = now + hold if hold else None
            row.save(update_fields=["failures", "last_failure_at", "locked_until"])


def forget_failures(username: str) -> None:
    SignInThrottle.objects.filter(key=keys(username, None)[0].name).delete()


def on_login_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    username = credentials.get("username")
    if isinstance(username, str) and username:
        record_failure(username, client_address(request))


def on_logged_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    forget_failures(user.get_username())
