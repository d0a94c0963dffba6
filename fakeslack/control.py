"""HTTP control endpoints, for driving and observing fakeslack from another process.

GET    /_fakeslack                     this list
GET    /_fakeslack/state               the whole workspace as JSON
GET    /_fakeslack/calls?method=…      recorded Web API calls
GET    /_fakeslack/calls/counts        Web API calls per method: {"counts": {…}, "total": n}
POST   /_fakeslack/calls/counts        {"since": <an earlier "counts">}: those made since
GET    /_fakeslack/deliveries          deliveries made to the app
POST   /_fakeslack/act                 {"user": "alice", "action": "post_message", …arguments}
POST   /_fakeslack/configure           {"request_url": …, "socket_mode": false, …}
POST   /_fakeslack/faults              {"method": "chat.postMessage", "status": 429, …}
                                       {"method": …, "lose_answer": "drop" | "late", "delay": 5}
DELETE /_fakeslack/faults              remove every fault
POST   /_fakeslack/outage              {"mode": "503" | "drop"}
POST   /_fakeslack/restore
POST   /_fakeslack/socket/disconnect   {"reason": "refresh_requested"}
POST   /_fakeslack/response/<token>    a response_url (what the app posts to)
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from .deliver import Delivery
from .errors import SlackError

if TYPE_CHECKING:
    from .fake import FakeSlack

# The actor methods the control API may call, by name.
ACTIONS = {
    "post_message",
    "edit_message",
    "delete_message",
    "pin",
    "unpin",
    "react",
    "unreact",
    "join",
    "leave",
    "rename_channel",
    "archive_channel",
    "set_topic",
    "slash_command",
    "click",
    "click_in_view",
    "enter_in_view",
    "submit_view",
    "suggest_in_view",
    "close_view",
    "global_shortcut",
    "message_shortcut",
    "open_app_home",
}
CONFIG_KEYS = {"request_url", "socket_mode", "retries", "ack_timeout", "retry_delay", "events"}
FAULT_KEYS = {
    "method",
    "status",
    "retry_after",
    "count",
    "delay",
    "drop",
    "lose_answer",
    "window",
}


def _result(value: Any) -> Any:
    if isinstance(value, Delivery):
        return value.to_dict()
    return value


def handle(fake: FakeSlack, verb: str, path: str, args: dict[str, Any]) -> tuple[int, Any]:
    route = path.removeprefix("/_fakeslack").strip("/")
    try:
        if route.startswith("response/") and verb == "POST":
            fake.respond(route.removeprefix("response/"), args)
            return 200, {"ok": True}
        if verb == "GET":
            return _get(fake, route, args)
        if verb == "DELETE" and route == "faults":
            fake.faults.clear()
            return 200, {"ok": True}
        if verb == "POST":
            return _post(fake, route, args)
    except SlackError as error:
        return 400, error.to_response()
    except (LookupError, ValueError, TypeError) as error:
        return 400, {"ok": False, "error": "invalid_request", "detail": str(error)}
    return 404, {"ok": False, "error": "not_found"}


def _get(fake: FakeSlack, route: str, args: dict[str, Any]) -> tuple[int, Any]:
    if route == "":
        return 200, {"ok": True, "endpoints": __doc__}
    if route == "state":
        return 200, {"ok": True, **fake.snapshot()}
    if route == "calls":
        calls = [
            {**dataclasses.asdict(c), "ok": c.ok, "applied": c.applied}
            for c in fake.calls(args.get("method"))
        ]
        return 200, {"ok": True, "calls": calls}
    if route == "calls/counts":
        return 200, _call_counts(fake, since=None)
    if route == "deliveries":
        return 200, {"ok": True, "deliveries": [d.to_dict() for d in fake.deliveries()]}
    return 404, {"ok": False, "error": "not_found"}


def _call_counts(fake: FakeSlack, *, since: Any) -> dict[str, Any]:
    if since is not None and (
        not isinstance(since, dict) or not all(isinstance(n, int) for n in since.values())
    ):
        raise ValueError('since is an earlier answer\'s "counts": {"chat.postMessage": 12, …}')
    counts = fake.call_counts(since)
    return {"ok": True, "counts": counts, "total": sum(counts.values())}


def _post(fake: FakeSlack, route: str, args: dict[str, Any]) -> tuple[int, Any]:
    if route == "act":
        args = dict(args)
        user, action = args.pop("user", None), args.pop("action", None)
        if action not in ACTIONS or not user:
            raise ValueError(f"need a user and an action, one of {sorted(ACTIONS)}")
        result = getattr(fake.actor(user), action)(**args)
        return 200, {"ok": True, "result": _result(result)}
    if route == "calls/counts":
        return 200, _call_counts(fake, since=args.get("since"))
    if route == "configure":
        fake.configure_app(**{k: v for k, v in args.items() if k in CONFIG_KEYS})
        return 200, {"ok": True}
    if route == "faults":
        fault = fake.faults.add(**{k: v for k, v in args.items() if k in FAULT_KEYS})
        return 200, {"ok": True, "fault": dataclasses.asdict(fault)}
    if route == "outage":
        fake.outage(mode=str(args.get("mode", "503")))
        return 200, {"ok": True}
    if route == "restore":
        fake.restore()
        return 200, {"ok": True}
    if route == "socket/disconnect":
        count = fake.disconnect_socket(reason=args.get("reason", "refresh_requested"))
        return 200, {"ok": True, "connections": count}
    return 404, {"ok": False, "error": "not_found"}
