"""The Slack sandbox: a web page, served by fakeslack, that looks and behaves enough like Slack
for a person to use an app through it.

The page (``static/``: plain HTML, CSS and JavaScript, no build step, nothing from a CDN) reads
the workspace as one user sees it from ``GET /sandbox/api/state`` (a long poll: it answers when
something changed) and does everything through the control API (``POST /_fakeslack/act``), so
the app receives the same signed deliveries as from any actor.

``configure(slack, app=manifest, hint=...)`` tells the page which slash commands and shortcuts
the app offers (an app manifest's ``features``) and what to suggest on first open.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import mimetypes
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SlackError

if TYPE_CHECKING:
    from http.server import BaseHTTPRequestHandler

    from ..fake import FakeSlack

STATIC = Path(__file__).resolve().parent / "static"
# How long a long poll waits for a change before answering anyway (seconds).
LONG_POLL = 20.0
POLL_INTERVAL = 0.1
_CONFIG_ATTRIBUTE = "_sandbox_config"


def configure(
    slack: FakeSlack, *, app: dict[str, Any] | None = None, hint: str | None = None
) -> None:
    """Describe the app to the page: ``app`` is a Slack app manifest (its ``display_information``
    and ``features``: slash commands, shortcuts); ``hint`` is shown once, on first open.

    A sandboxed workspace's URL (``auth.test``'s ``url``, from which apps build links to
    channels and messages) is the sandbox itself, once it listens: links open the sandbox, not
    a slack.com page that does not exist."""
    setattr(slack, _CONFIG_ATTRIBUTE, {"app": copy.deepcopy(app or {}), "hint": hint or ""})


def is_configured(slack: FakeSlack) -> bool:
    return hasattr(slack, _CONFIG_ATTRIBUTE)


# Slack's links: /archives/<channel> and /archives/<channel>/p<ts without its dot>.
ARCHIVES = re.compile(r"^/archives/([A-Z0-9]+)(?:/p(\d{7,}))?/?$")


def archive_target(path: str) -> str | None:
    """Where in the page a Slack link points: "#C123" or "#C123/1764000000.000100"."""
    match = ARCHIVES.match(path)
    if match is None:
        return None
    channel, digits = match.groups()
    return f"#{channel}/{digits[:-6]}.{digits[-6:]}" if digits else f"#{channel}"


def _config(slack: FakeSlack) -> dict[str, Any]:
    return getattr(slack, _CONFIG_ATTRIBUTE, {"app": {}, "hint": ""})


def is_sandbox_path(path: str) -> bool:
    return path in ("/", "/sandbox") or path.startswith(("/sandbox/", "/archives/"))


def handle(
    handler: BaseHTTPRequestHandler, slack: FakeSlack, path: str, args: dict[str, Any]
) -> None:
    """Answer a request for the page, its assets or its state."""
    if path in ("/", "/sandbox", "/sandbox/"):
        _file(handler, STATIC / "index.html")
    elif path.startswith("/archives/"):
        anchor = archive_target(path)
        if anchor is None:
            _json(handler, 404, {"ok": False, "error": "channel_not_found"})
        else:
            _redirect(handler, "/" + anchor)
    elif path.startswith("/sandbox/static/"):
        name = path.removeprefix("/sandbox/static/")
        target = (STATIC / name).resolve()
        if STATIC not in target.parents or not target.is_file():
            _json(handler, 404, {"ok": False, "error": "not_found"})
        else:
            _file(handler, target)
    elif path == "/sandbox/api/state":
        try:
            body = wait_for_change(
                slack,
                user=args.get("user") or "",
                since=args.get("since") or "",
                wait=min(float(args.get("wait") or 0), LONG_POLL),
            )
        except (LookupError, SlackError) as error:
            _json(handler, 400, {"ok": False, "error": "user_not_found", "detail": str(error)})
            return
        _json(handler, 200, body)
    else:
        _json(handler, 404, {"ok": False, "error": "not_found"})


def wait_for_change(slack: FakeSlack, *, user: str, since: str, wait: float) -> dict[str, Any]:
    """The user's view of the workspace, once its etag differs from ``since`` (or ``wait`` s)."""
    deadline = time.monotonic() + wait
    while True:
        view = user_view(slack, user)
        if view["etag"] != since or time.monotonic() >= deadline:
            return view
        time.sleep(POLL_INTERVAL)


def user_view(slack: FakeSlack, user: str) -> dict[str, Any]:
    """What ``user`` sees: channels they can see with messages, their ephemeral messages, open
    modals and App Home, the people, and the app's commands. ``etag`` changes with any of it."""
    state = slack.state
    with state.lock:
        users = [
            {
                "id": u["id"],
                "name": u["name"],
                "real_name": u.get("real_name", u["name"]),
                "title": u["profile"].get("title", ""),
                "tz": u.get("tz", "UTC"),
                "is_bot": u.get("is_bot", False),
            }
            for u in state.users.values()
        ]
        me = state.user(user) if user else next(u for u in state.users.values() if not u["is_bot"])
        me_id = me["id"]
        channels = []
        for channel in state.channels.values():
            member = me_id in channel.members
            if (channel.is_private or channel.is_im or channel.is_mpim) and not member:
                continue
            channels.append(
                {
                    "id": channel.id,
                    "name": channel.name,
                    "is_private": channel.is_private,
                    "is_im": channel.is_im,
                    "is_mpim": channel.is_mpim,
                    "is_general": channel.is_general,
                    "is_archived": channel.is_archived,
                    "is_member": member,
                    "members": list(channel.members),
                    "topic": channel.topic.get("value", ""),
                    "purpose": channel.purpose.get("value", ""),
                    "bookmarks": copy.deepcopy(channel.bookmarks),
                    "pins": [p["ts"] for p in channel.pins],
                    # "Alice pinned a message to this channel.", where it happened.
                    "pinned": [
                        {"ts": p["ts"], "by": p["created_by"], "at": p.get("at") or p["ts"]}
                        for p in channel.pins
                    ],
                    "messages": copy.deepcopy(channel.messages),
                }
            )
        ephemeral = [copy.deepcopy(e) for e in state.ephemeral if e["recipient"] == me_id]
        store = state.views
        modals = [
            {**copy.deepcopy(store.records[v].view), "errors": dict(store.records[v].errors)}
            for stack in store.stacks.values()
            for v in stack
            if store.records[v].user_id == me_id
        ]
        home_id = store.home.get(me_id)
        home = copy.deepcopy(store.records[home_id].view) if home_id else None
        body: dict[str, Any] = {
            "ok": True,
            "team": dict(state.team),
            "bot": {"user_id": state.bot_user_id, "bot_id": state.bot_id},
            "me": me_id,
            "users": users,
            "usergroups": [
                {"id": g["id"], "handle": g["handle"], "name": g["name"]}
                for g in state.usergroups.values()
            ],
            "channels": channels,
            "ephemeral": ephemeral,
            "modals": modals,
            "home": home,
        }
    body.update(_config(slack))
    raw = json.dumps(body, sort_keys=True, default=str).encode()
    body["etag"] = hashlib.sha1(raw, usedforsecurity=False).hexdigest()
    return body


def _file(handler: BaseHTTPRequestHandler, path: Path) -> None:
    raw = path.read_bytes()
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type.endswith("javascript"):
        content_type += "; charset=utf-8"
    handler.send_response(200)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(raw)))
    handler.send_header("Cache-Control", "no-cache")
    handler.end_headers()
    _write(handler, raw)


def _redirect(handler: BaseHTTPRequestHandler, location: str) -> None:
    handler.send_response(302)
    handler.send_header("Location", location)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def _json(handler: BaseHTTPRequestHandler, status: int, body: Any) -> None:
    raw = json.dumps(body, default=str).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json; charset=utf-8")
    handler.send_header("Content-Length", str(len(raw)))
    handler.send_header("Cache-Control", "no-store")
    handler.send_header("Access-Control-Allow-Origin", "*")
    handler.end_headers()
    _write(handler, raw)


def _write(handler: BaseHTTPRequestHandler, raw: bytes) -> None:
    # A page that is closed or reloaded drops its long poll: nothing to report.
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        handler.wfile.write(raw)
