from __future__ import annotations

from django.db import models


class SignInThrottle(models.Model):
    """Consecutive failed sign-ins of one username ("user:alice") or one client address
    ("address:203.0.113.9"), and until when that key may not sign in."""

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.failures} failures"
