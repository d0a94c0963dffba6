"""Saving a workspace's state to a JSON file and restoring it, so a demo keeps its history.

What is kept: users, channels with their messages, pins and bookmarks, user groups, views,
ephemeral messages, and the ids already issued. What is not: recorded calls, deliveries, faults,
trigger ids and response URLs (all short-lived by nature).
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .state import Channel
from .viewstore import ViewRecord

if TYPE_CHECKING:
    from .fake import FakeSlack

VERSION = 1


def dump(slack: FakeSlack) -> dict[str, Any]:
    """The workspace's lasting state as JSON-ready data."""
    state = slack.state
    with state.lock:
        views = state.views
        return {
            "version": VERSION,
            "team_id": state.team_id,
            "bot_user_id": state.bot_user_id,
            "users": list(state.users.values()),
            "channels": [dataclasses.asdict(c) for c in state.channels.values()],
            "usergroups": list(state.usergroups.values()),
            "views": [dataclasses.asdict(r) for r in views.records.values()],
            "stacks": views.stacks,
            "home": views.home,
            "ephemeral": state.ephemeral,
            "issued_ids": state.ids.issued(),
        }


def restore(slack: FakeSlack, data: dict[str, Any]) -> None:
    """Replace the workspace's state with saved data from the same workspace."""
    state = slack.state
    if data.get("version") != VERSION:
        raise ValueError(f"unsupported saved workspace version {data.get('version')!r}")
    if (data["team_id"], data["bot_user_id"]) != (state.team_id, state.bot_user_id):
        raise ValueError(
            f"the saved workspace is team {data['team_id']}, this one is {state.team_id}"
        )
    with state.lock:
        state.users = {u["id"]: u for u in data["users"]}
        state.channels = {c["id"]: Channel(**c) for c in data["channels"]}
        state.usergroups = {g["id"]: g for g in data["usergroups"]}
        state.views.records = {r["view"]["id"]: ViewRecord(**r) for r in data["views"]}
        state.views.stacks = data["stacks"]
        state.views.home = data["home"]
        state.ephemeral = data["ephemeral"]
        for identifier in data["issued_ids"]:
            state.ids.reserve(identifier)
        stamps = [m["ts"] for c in state.channels.values() for m in c.messages]
        stamps += [e["ts"] for e in state.ephemeral]
        if stamps:
            state.clock.advance_past(max(stamps, key=float))


def save(slack: FakeSlack, path: str | Path) -> None:
    """Write the state atomically: a crash mid-save leaves the previous file intact."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(dump(slack))
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load(slack: FakeSlack, path: str | Path) -> bool:
    """Restore saved state if the file exists; True when something was restored."""
    path = Path(path)
    if not path.exists():
        return False
    restore(slack, json.loads(path.read_text(encoding="utf-8")))
    return True
