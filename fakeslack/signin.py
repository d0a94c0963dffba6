"""Sign in with Slack (OpenID Connect): authorization codes, user tokens, ID tokens and claims.

The flow, as on slack.com: the app sends a person to ``/openid/connect/authorize`` (see
``authorize.py``), they pick who they are, and are sent back to the app's ``redirect_uri`` with a
``code``. The app exchanges the code (once, within ``code_ttl``) at ``openid.connect.token`` for a
user token (``xoxp-…``) and an ID token, and may read the person with ``openid.connect.userInfo``.

Slack signs ID tokens with RS256 and publishes its keys; fakeslack signs them with HS256, keyed
with the app's client secret (OpenID Connect allows that for clients holding a secret), so that
verifying one needs only the standard library.

``SignIn`` is guarded by the state lock, like the rest of the workspace.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from .errors import SlackError
from .ids import avatar_url
from .state import State

ISSUER = "https://slack.com"
SCOPES = ("openid", "profile", "email")
CODE_TTL = 600.0  # seconds, as Slack's OAuth codes
ID_TOKEN_TTL = 300  # seconds
_USER_IMAGE_SIZES = (24, 32, 48, 72, 192, 512, 1024)
_TEAM_IMAGE_SIZES = (34, 44, 68, 88, 102, 132, 230)


@dataclass
class Grant:
    """Who signed in, for which redirect and with which scopes."""

    user_id: str
    scopes: tuple[str, ...]
    redirect_uri: str
    nonce: str | None
    auth_time: int
    issued: float  # monotonic, for the code's expiry
    used: bool = False


class SignIn:
    def __init__(self, *, code_ttl: float = CODE_TTL) -> None:
        self.code_ttl = code_ttl
        self._codes: dict[str, Grant] = {}
        self._user_tokens: dict[str, Grant] = {}

    def issue_code(
        self, user_id: str, *, scopes: tuple[str, ...], redirect_uri: str, nonce: str | None
    ) -> str:
        code = f"{secrets.randbelow(10**10)}.{secrets.randbelow(10**13)}.{secrets.token_hex(32)}"
        self._codes[code] = Grant(
            user_id=user_id,
            scopes=scopes,
            redirect_uri=redirect_uri,
            nonce=nonce,
            auth_time=int(time.time()),
            issued=time.monotonic(),
        )
        return code

    def redeem(self, code: str | None, *, redirect_uri: str | None) -> Grant:
        """Use a code once, within ``code_ttl``, with the redirect_uri it was issued for."""
        grant = self._codes.get(code or "")
        if grant is None or grant.used or time.monotonic() - grant.issued > self.code_ttl:
            raise SlackError("invalid_code")
        if redirect_uri != grant.redirect_uri:
            raise SlackError("bad_redirect_uri")
        grant.used = True
        return grant

    def issue_user_token(self, grant: Grant) -> str:
        token = (
            f"xoxp-{secrets.randbelow(10**12)}-{secrets.randbelow(10**12)}-{secrets.token_hex(16)}"
        )
        self._user_tokens[token] = grant
        return token

    def grant_for(self, token: str | None) -> Grant | None:
        """The sign-in a user token came from, or ``None`` when it is not one."""
        return self._user_tokens.get(token or "")


def identity(state: State, grant: Grant) -> dict[str, Any]:
    """The person's claims, as ``openid.connect.userInfo`` answers and the ID token carries."""
    user = state.users[grant.user_id]
    profile = user["profile"]
    claims: dict[str, Any] = {
        "sub": user["id"],
        "https://slack.com/user_id": user["id"],
        "https://slack.com/team_id": state.team_id,
    }
    if "email" in grant.scopes:
        claims |= {
            "email": profile.get("email", ""),
            "email_verified": True,
            "date_email_verified": user.get("updated", 0),
        }
    if "profile" in grant.scopes:
        given, _, family = user["real_name"].partition(" ")
        claims |= {
            "name": user["real_name"],
            "picture": avatar_url(user["id"], 512),
            "given_name": given,
            "family_name": family,
            "locale": "en-US",
            "https://slack.com/team_name": state.team["name"],
            "https://slack.com/team_domain": state.team["domain"],
        }
        claims |= {
            f"https://slack.com/user_image_{size}": avatar_url(user["id"], size)
            for size in _USER_IMAGE_SIZES
        }
        claims |= {
            f"https://slack.com/team_image_{size}": avatar_url(state.team_id, size)
            for size in _TEAM_IMAGE_SIZES
        }
        claims["https://slack.com/team_image_default"] = True
    return claims


def id_token(state: State, grant: Grant, *, access_token: str) -> str:
    """The ID token: the identity claims plus OpenID Connect's, signed HS256 with the secret."""
    workspace = state.workspace
    now = int(time.time())
    digest = hashlib.sha256(access_token.encode()).digest()
    claims = {
        "iss": ISSUER,
        "aud": workspace.client_id,
        "exp": now + ID_TOKEN_TTL,
        "iat": now,
        "auth_time": grant.auth_time,
        **({"nonce": grant.nonce} if grant.nonce else {}),
        "at_hash": _b64url(digest[: len(digest) // 2]),
        **identity(state, grant),
    }
    return encode_jwt(claims, workspace.client_secret)


def encode_jwt(claims: dict[str, Any], secret: str) -> str:
    header = {"alg": "HS256", "typ": "JWT"}
    signing_input = ".".join(_b64url(json.dumps(part).encode()) for part in (header, claims))
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64url(signature)}"


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
