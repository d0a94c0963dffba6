"""Checking the signatures GitHub and Jira put on their webhooks (pure)."""

from __future__ import annotations

import hashlib
import hmac


def signature(secret: str, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256 of the body: GitHub's `X-Hub-Signature-256` and
    Jira's `X-Hub-Signature` alike."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def is_signed(secret: str, body: bytes, header: str | None) -> bool:
    """Whether `header` is the body's signature with `secret`; never without a secret."""
    if not secret or not header:
        return False
    return hmac.compare_digest(signature(secret, body), header.strip())
