"""Saving a workspace to a JSON file and loading it back, so a demo keeps its Slack history.

``save(slack, path)`` writes what people and the app changed: users, channels (members, messages,
pins, bookmarks, topics), user groups, ephemeral messages, views (modal stacks, App Home) and the
id generator, so ids issued after a restart never collide with saved ones. ``load(slack, path)``
puts it back into a ``FakeSlack`` built from the same workspace seed, before it starts. Trigger
ids and response URLs are short-lived and are not kept.
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
    state = slack.state
    with state.lock:
        random_state = state.ids._random.getstate()
        return {
            "version": VERSION,
            "team_id": state.team_id,
            "users": state.users,
            "channels": [dataclasses.asdict(c) for c in state.channels.values()],
            "usergroups": state.usergroups,
            "ephemeral": state.ephemeral,
            "views": {
                "records": {k: dataclasses.asdict(r) for k, r in state.views.records.items()},
                "stacks": state.views.stacks,
                "home": state.views.home,
            },
            "ids": {
                "issued": sorted(state.ids._issued),
                "random": [random_state[0], list(random_state[1]), random_state[2]],
            },
            "clock": state.clock._last_micros,
        }


def save(slack: FakeSlack, path: str | Path, *, previous: str | None = None) -> str:
    """Write the workspace to ``path`` atomically (a crash never leaves half a file); returns
    what was written. Given the ``previous`` return value, an unchanged workspace is not
    written again."""
    path = Path(path)
    data = json.dumps(dump(slack), default=str)
    if data == previous:
        return data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(data)
    os.replace(temporary, path)
    return data


def load(slack: FakeSlack, path: str | Path) -> bool:
    """Restore a saved workspace; ``False`` (and nothing changed) when there is no file or it
    belongs to another workspace."""
    path = Path(path)
    if not path.exists():
        return False
    data = json.loads(path.read_text(encoding="utf-8"))
    state = slack.state
    if data.get("version") != VERSION or data.get("team_id") != state.team_id:
        return False
    with state.lock:
        state.users = data["users"]
        state.channels = {c["id"]: Channel(**c) for c in data["channels"]}
        state.usergroups = data["usergroups"]
        state.ephemeral = data["ephemeral"]
        views = data["views"]
        state.views.records = {k: ViewRecord(**r) for k, r in views["records"].items()}
        state.views.stacks = views["stacks"]
        state.views.home = views["home"]
        version, internal, gauss = data["ids"]["random"]
        state.ids._random.setstate((version, tuple(internal), gauss))
        state.ids._issued = set(data["ids"]["issued"])
        state.clock._last_micros = max(state.clock._last_micros, int(data["clock"]))
    return True
