"""Signing a webhook as the Standard Webhooks specification says (https://www.standardwebhooks.com).

    webhook-id:         the message's id, the same on every retry (receivers de-duplicate on it)
    webhook-timestamp:  this attempt's time, in whole seconds since the epoch
    webhook-signature:  "v1," + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), one per
                        secret, space-separated (two while a secret is being rotated)

The key is the base64 text after `whsec_` in the endpoint's secret, decoded. Pure functions:
tested against the specification's published example (tests/integrations/test_webhooks_signing.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 24  # the specification asks for 24 to 64 random bytes


def new_secret() -> str:
    """A fresh endpoint secret: `whsec_` and the base64 of random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signing_key(secret: str) -> bytes:
    """The HMAC key a secret stands for (with or without its `whsec_` prefix)."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)


def signature(secret: str, *, message_id: str, timestamp: int, body: bytes) -> str:
    """One `v1,` signature of this message, body and moment."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(
    secrets: list[str], *, message_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The three headers of a Standard Webhooks request, signed with each of `secrets` (two
    while a secret is being rotated: the receiver accepts the message if one matches)."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            signature(secret, message_id=message_id, timestamp=timestamp, body=body)
            for secret in secrets
        ),
    }
