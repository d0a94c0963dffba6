"""A sign-in's journey: its state kept in the browser's session on the way out to Slack, checked
and used up on the way back; the code exchanged for the person with Slack's Web API."""

from __future__ import annotations

import hmac
import http.client
import secrets
import time
import urllib.error
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from response.slack.signin.oidc import Person, SignInRefused, check_id_token, claims_of, person_from

SESSION_KEY = "slack_signin"
# How long a person may spend on Slack's page before the sign-in they began expires.
PENDING_SECONDS = 600
# Sign-ins begun in other tabs and still pending, at most.
PENDING_KEPT = 5


@dataclass(frozen=True)
class Pending:
    """A sign-in begun in this browser: what Slack must send back, where to go afterwards."""

    state: str
    nonce: str
    next_url: str
    began: float


def configured() -> bool:
    return bool(settings.SLACK_CLIENT_ID and settings.SLACK_CLIENT_SECRET)


def redirect_uri() -> str:
    """Where Slack sends the person back: fixed by SITE_URL, as the app's manifest lists it."""
    return f"{settings.SITE_URL}/auth/slack/callback"


def begin(request: HttpRequest, *, next_url: str) -> Pending:
    """A new sign-in, remembered in the session (beside those of other tabs, the oldest
    forgotten first)."""
    pending = Pending(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        next_url=next_url,
        began=time.time(),
    )
    kept = [p for p in request.session.get(SESSION_KEY, []) if _fresh(p["began"])]
    request.session[SESSION_KEY] = [*kept[-(PENDING_KEPT - 1) :], pending.__dict__]
    return pending


def take(request: HttpRequest, state: str) -> Pending:
    """The sign-in `state` names, used up: a second use of the same answer (a replay, the back
    button) is refused, as is a state this browser never began."""
    kept = request.session.get(SESSION_KEY, [])
    found = next(
        (p for p in kept if hmac.compare_digest(p["state"].encode(), state.encode())), None
    )
    if found is not None:
        request.session[SESSION_KEY] = [p for p in kept if p is not found]
    if found is None or not _fresh(found["began"]):
        raise SignInRefused(
            "This sign-in link has expired or was already used.",
            "Please sign in again from the login page.",
        )
    return Pending(**found)


def person_for(code: str, pending: Pending) -> Person:
    """Exchange Slack's code (`openid.connect.token`), check the ID token against this sign-in,
    and read the person (`openid.connect.userInfo`)."""
    tokens = _call(
        "openid.connect.token",
        lambda client: client.openid_connect_token(
            client_id=settings.SLACK_CLIENT_ID,
            client_secret=settings.SLACK_CLIENT_SECRET,
            code=code,
            redirect_uri=redirect_uri(),
        ),
    )
    claims = claims_of(str(tokens.get("id_token", "")))
    check_id_token(claims, client_id=settings.SLACK_CLIENT_ID, nonce=pending.nonce, now=time.time())
    user_info = _call(
        "openid.connect.userInfo",
        lambda client: client.openid_connect_userInfo(),
        token=str(tokens.get("access_token", "")),
    )
    return person_from(user_info, subject=str(claims.get("sub", "")))


def _call(method: str, call, *, token: str | None = None) -> dict:
    """One call to Slack for the person waiting on the page: refused with a page, not retried."""
    client = WebClient(
        token=token,
        base_url=settings.SLACK_API_URL,
        timeout=int(settings.RESPONSE_SLACK_TIMEOUT),
        retry_handlers=[],
    )
    try:
        return dict(call(client).data)
    except SlackApiError as error:
        code = error.response.get("error", "") if isinstance(error.response.data, dict) else ""
        if code == "invalid_code":
            raise SignInRefused(
                "This sign-in link has expired or was already used.",
                "Please sign in again from the login page.",
            ) from None
        raise SignInRefused(
            "Slack refused the sign-in.",
            f"Slack said `{code or error.response.status_code}` to {method}; an administrator "
            "should check SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and the app's redirect URL.",
            status=502,
        ) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, SlackClientError):
        raise SignInRefused(
            "Slack did not answer.", "Please try again in a moment.", status=503
        ) from None


def _fresh(began: float) -> bool:
    return time.time() - began < PENDING_SECONDS
