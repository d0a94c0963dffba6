"""Sign in with Slack's pages: ``GET /openid/connect/authorize`` and the OpenID discovery document.

The authorize page lists the workspace's people; picking one sends the browser back to the app's
``redirect_uri`` with ``code`` and ``state``, as slack.com does once a person has signed in and
approved. A test skips the page with ``login_as=alice`` (a name, email or id): the answer is then
the redirect itself. ``deny=1`` is the person cancelling (``error=access_denied``).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .errors import SlackError
from .signin import ISSUER, SCOPES

if TYPE_CHECKING:
    from .fake import FakeSlack

AUTHORIZE_PATH = "/openid/connect/authorize"
DISCOVERY_PATH = "/.well-known/openid-configuration"
PATHS = (AUTHORIZE_PATH, DISCOVERY_PATH)


@dataclass(frozen=True)
class Answer:
    """What the server sends back: a page, a JSON document or a redirect."""

    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None


def handle(slack: FakeSlack, path: str, args: dict[str, Any]) -> Answer:
    if path == DISCOVERY_PATH:
        return _json(discovery(slack))
    return authorize(slack, {k: str(v) for k, v in args.items()})


def authorize(slack: FakeSlack, args: dict[str, str]) -> Answer:
    """Check the request as Slack does, then show the chooser or send the person back."""
    redirect_uri, state = args.get("redirect_uri", ""), args.get("state")
    # Until client and redirect are known good, errors are shown here, never redirected.
    if args.get("client_id") != slack.client_id:
        return _error_page(400, "invalid_client_id", "No app has this client_id.")
    if urlsplit(redirect_uri).scheme not in ("http", "https"):
        return _error_page(400, "bad_redirect_uri", "redirect_uri must be an http(s) URL.")
    if args.get("team") and args["team"] != slack.team_id:
        return _error_page(400, "team_not_found", "This workspace is not that team.")
    if args.get("response_type") != "code":
        return _back(redirect_uri, error="unsupported_response_type", state=state)
    scopes = tuple(args.get("scope", "").replace(",", " ").split())
    if "openid" not in scopes or not set(scopes) <= set(SCOPES):
        return _back(redirect_uri, error="invalid_scope", state=state)
    if args.get("deny"):
        return _back(redirect_uri, error="access_denied", state=state)
    if not args.get("login_as"):
        return _chooser(slack, args)
    with slack.state.lock:
        try:
            user = slack.state.user(args["login_as"])
        except SlackError:
            user = None
        if user is None or user["is_bot"] or user["deleted"]:
            return _error_page(400, "user_not_found", "Nobody here by that name.")
        code = slack.signin.issue_code(
            user["id"], scopes=scopes, redirect_uri=redirect_uri, nonce=args.get("nonce") or None
        )
    return _back(redirect_uri, code=code, state=state)


def discovery(slack: FakeSlack) -> dict[str, Any]:
    """Slack's ``/.well-known/openid-configuration``, pointing at this fakeslack."""
    return {
        "issuer": ISSUER,
        "authorization_endpoint": slack.authorize_url,
        "token_endpoint": f"{slack.api_url}openid.connect.token",
        "userinfo_endpoint": f"{slack.api_url}openid.connect.userInfo",
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["HS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "claims_supported": ["sub", "auth_time", "iss"],
    }


def _back(redirect_uri: str, **params: str | None) -> Answer:
    """Redirect to the app, adding ``params`` to whatever query its redirect_uri has."""
    parts = urlsplit(redirect_uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(name, value) for name, value in params.items() if value is not None]
    return Answer(302, location=urlunsplit(parts._replace(query=urlencode(query))))


def _link(args: dict[str, str], **extra: str) -> str:
    return AUTHORIZE_PATH + "?" + urlencode({**args, **extra})


def _chooser(slack: FakeSlack, args: dict[str, str]) -> Answer:
    with slack.state.lock:
        team = slack.state.team["name"]
        people = [u for u in slack.state.users.values() if not u["is_bot"] and not u["deleted"]]
        rows = "\n".join(
            f'<li><a href="{html.escape(_link(args, login_as=u["name"]))}">'
            f"<strong>{html.escape(u['real_name'])}</strong> <span>{html.escape(_about(u))}</span>"
            "</a></li>"
            for u in people
        )
    return _page(
        200,
        f"Sign in to {team}",
        f"<p>Choose who you are. The app will learn your name, email and picture.</p>"
        f'<ul class="people">{rows}</ul>'
        f'<p><a class="cancel" href="{html.escape(_link(args, deny="1"))}">Cancel</a></p>',
    )


def _about(user: dict[str, Any]) -> str:
    """Email and title, whichever the person has."""
    profile = user["profile"]
    return " · ".join(part for part in (profile.get("email"), profile.get("title")) if part)


def _error_page(status: int, error: str, explanation: str) -> Answer:
    return _page(status, "Sign in with Slack failed", f"<p><code>{error}</code>: {explanation}</p>")


def _page(status: int, title: str, content: str) -> Answer:
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} · fakeslack</title>
<style>
body {{ font: 16px system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; color: #1d1c1d; }}
.people {{ list-style: none; padding: 0; }}
.people a {{ display: block; padding: .6rem .8rem; margin: .3rem 0; border: 1px solid #ddd;
  border-radius: 6px; color: inherit; text-decoration: none; }}
.people a:hover {{ background: #f4ede4; }}
.people span {{ color: #616061; font-size: .9em; }}
</style></head>
<body><h1>{html.escape(title)}</h1>{content}</body></html>
"""
    return Answer(status, page.encode())


def _json(document: dict[str, Any]) -> Answer:
    return Answer(200, json.dumps(document).encode(), "application/json; charset=utf-8")
