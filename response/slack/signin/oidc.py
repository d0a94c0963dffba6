"""The OpenID Connect side of Sign in with Slack, as pure functions: the authorize URL, the
ID token's claims and their checks, the person they describe."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

ISSUER = "https://slack.com"
SCOPES = ("openid", "profile", "email")
AUTHORIZE_PATH = "/openid/connect/authorize"
TEAM_ID_CLAIM = "https://slack.com/team_id"
USER_ID_CLAIM = "https://slack.com/user_id"
TEAM_NAME_CLAIM = "https://slack.com/team_name"
# A clock a little behind Slack's still accepts a token Slack just issued.
CLOCK_SKEW_SECONDS = 60


class SignInRefused(Exception):
    """Why a sign-in cannot go on, for the person: a title, what to do, the HTTP status."""

    def __init__(self, title: str, advice: str, *, status: int = 400) -> None:
        super().__init__(f"{title} {advice}")
        self.title = title
        self.advice = advice
        self.status = status


@dataclass(frozen=True)
class Person:
    """Who signed in, as Slack says."""

    user_id: str
    team_id: str
    team_name: str = ""
    email: str = ""
    name: str = ""
    given_name: str = ""
    family_name: str = ""


def authorize_url(
    api_url: str, *, client_id: str, redirect_uri: str, state: str, nonce: str, team: str = ""
) -> str:
    """Slack's authorize page, on the host of the Web API (slack.com, or fakeslack in the demo
    and the tests); `team` skips Slack's workspace picker for someone signed in to several."""
    api = urlsplit(api_url)
    query = {
        "response_type": "code",
        "scope": " ".join(SCOPES),
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "nonce": nonce,
    }
    if team:
        query["team"] = team
    return f"{api.scheme}://{api.netloc}{AUTHORIZE_PATH}?{urlencode(query)}"


def claims_of(id_token: str) -> dict[str, Any]:
    """The claims of an ID token. Its signature is not checked: the token came straight from
    Slack's token endpoint over TLS, in answer to our client secret, which OpenID Connect Core
    (3.1.3.7) accepts in place of the signature. What is checked is what ties it to this
    sign-in: see `check_id_token`."""
    try:
        _, payload, _ = id_token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, binascii.Error):
        raise _unreadable() from None
    if not isinstance(claims, dict):
        raise _unreadable()
    return claims


def check_id_token(claims: dict[str, Any], *, client_id: str, nonce: str, now: float) -> None:
    """The ID token is Slack's, for this app, fresh, and for the sign-in this browser began (the
    nonce: a token obtained for another sign-in cannot be slipped in)."""
    if claims.get("iss") != ISSUER or claims.get("aud") != client_id:
        raise _unreadable()
    if not isinstance(claims.get("exp"), int | float) or claims["exp"] < now - CLOCK_SKEW_SECONDS:
        raise SignInRefused("Sign in with Slack took too long.", "Please sign in again.")
    if not hmac.compare_digest(str(claims.get("nonce", "")).encode(), nonce.encode()):
        raise SignInRefused(
            "This sign-in was not started here.", "Please sign in again from the login page."
        )


def person_from(user_info: dict[str, Any], *, subject: str) -> Person:
    """The person `openid.connect.userInfo` describes; it must be the ID token's subject."""
    user_id = str(user_info.get(USER_ID_CLAIM) or user_info.get("sub") or "")
    team_id = str(user_info.get(TEAM_ID_CLAIM) or "")
    if not user_id or user_id != subject or not team_id:
        raise _unreadable()
    return Person(
        user_id=user_id,
        team_id=team_id,
        team_name=str(user_info.get(TEAM_NAME_CLAIM) or ""),
        email=str(user_info.get("email") or "") if user_info.get("email_verified") else "",
        name=str(user_info.get("name") or ""),
        given_name=str(user_info.get("given_name") or ""),
        family_name=str(user_info.get("family_name") or ""),
    )


def _unreadable() -> SignInRefused:
    return SignInRefused(
        "Slack's answer could not be used.",
        "Please sign in again; tell an administrator if it keeps happening.",
        status=502,
    )
