"""Modal stacks and App Home views.

A modal stack holds up to three views (``views.push``); the top one is what the user sees. Each
view keeps the user's current input in ``state.values`` and its last ``response_action`` errors.
"""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass, field
from typing import Any

from .errors import SlackError
from .ids import IdFactory
from .inputs import with_ids

MAX_STACK = 3


@dataclass
class ViewRecord:
    view: dict[str, Any]
    user_id: str
    root_id: str
    is_open: bool = True
    errors: dict[str, Any] = field(default_factory=dict)


class ViewStore:
    def __init__(self, ids: IdFactory) -> None:
        self._ids = ids
        self.records: dict[str, ViewRecord] = {}
        self.stacks: dict[str, list[str]] = {}
        self.home: dict[str, str] = {}
        # team_id, app_id, bot_id: stamped on every view, set once the workspace is seeded.
        self.stamp: dict[str, str] = {}

    def _build(
        self, spec: dict[str, Any], *, view_id: str, root_id: str, previous: str | None
    ) -> dict[str, Any]:
        view = {
            "id": view_id,
            "team_id": self.stamp.get("team_id"),
            "type": spec.get("type"),
            "blocks": with_ids(spec.get("blocks", [])),
            "private_metadata": spec.get("private_metadata", ""),
            "callback_id": spec.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(secrets.randbits(31))}.{secrets.token_hex(4)}",
            "title": spec.get("title"),
            "clear_on_close": bool(spec.get("clear_on_close", False)),
            "notify_on_close": bool(spec.get("notify_on_close", False)),
            "close": spec.get("close"),
            "submit": spec.get("submit"),
            "previous_view_id": previous,
            "root_view_id": root_id,
            "app_id": self.stamp.get("app_id"),
            "external_id": spec.get("external_id", ""),
            "app_installed_team_id": self.stamp.get("team_id"),
            "bot_id": self.stamp.get("bot_id"),
        }
        return view

    def get(self, view_id: str) -> ViewRecord:
        record = self.records.get(view_id)
        if record is None:
            raise SlackError("not_found")
        return record

    def by_external_id(self, external_id: str) -> ViewRecord:
        for record in self.records.values():
            if external_id and record.view.get("external_id") == external_id:
                return record
        raise SlackError("not_found")

    def _check_external_id(self, spec: dict[str, Any], *, allow: str | None = None) -> None:
        external_id = spec.get("external_id")
        if not external_id:
            return
        for record in self.records.values():
            if record.view.get("external_id") == external_id and record.view["id"] != allow:
                raise SlackError("duplicate_external_id")

    def open(self, spec: dict[str, Any], *, user_id: str) -> dict[str, Any]:
        self._check_external_id(spec)
        view_id = self._ids.new("V")
        view = self._build(spec, view_id=view_id, root_id=view_id, previous=None)
        self.records[view_id] = ViewRecord(view=view, user_id=user_id, root_id=view_id)
        self.stacks[view_id] = [view_id]
        return view

    def open_stack_of(self, user_id: str) -> list[str] | None:
        """The user's most recently opened modal stack that is still open."""
        for root_id in reversed(list(self.stacks)):
            if self.records[root_id].user_id == user_id and self.stacks[root_id]:
                return self.stacks[root_id]
        return None

    def push(self, spec: dict[str, Any], *, user_id: str) -> dict[str, Any]:
        stack = self.open_stack_of(user_id)
        if stack is None:
            # Slack opens a new stack when there is nothing to push onto.
            return self.open(spec, user_id=user_id)
        if len(stack) >= MAX_STACK:
            raise SlackError("push_limit_reached")
        self._check_external_id(spec)
        view_id = self._ids.new("V")
        root_id = stack[0]
        view = self._build(spec, view_id=view_id, root_id=root_id, previous=stack[-1])
        self.records[view_id] = ViewRecord(view=view, user_id=user_id, root_id=root_id)
        stack.append(view_id)
        return view

    def update(
        self, record: ViewRecord, spec: dict[str, Any], *, hash: str | None = None
    ) -> dict[str, Any]:
        if hash and hash != record.view["hash"]:
            raise SlackError("hash_conflict")
        self._check_external_id(spec, allow=record.view["id"])
        old = record.view
        view = self._build(
            spec, view_id=old["id"], root_id=old["root_view_id"], previous=old["previous_view_id"]
        )
        # Input the user typed survives an update for blocks that keep their block_id.
        kept = {b.get("block_id") for b in view["blocks"]}
        view["state"]["values"] = {k: v for k, v in old["state"]["values"].items() if k in kept}
        record.view = view
        record.errors = {}
        return view

    def publish(
        self, spec: dict[str, Any], *, user_id: str, hash: str | None = None
    ) -> dict[str, Any]:
        existing = self.home.get(user_id)
        if existing:
            return self.update(self.records[existing], spec, hash=hash)
        view_id = self._ids.new("V")
        view = self._build(spec, view_id=view_id, root_id=view_id, previous=None)
        self.records[view_id] = ViewRecord(view=view, user_id=user_id, root_id=view_id)
        self.home[user_id] = view_id
        return view

    def close(self, view_id: str) -> None:
        """Close a view: it and everything pushed above it leave the stack."""
        record = self.get(view_id)
        stack = self.stacks.get(record.root_id, [])
        if view_id in stack:
            for closed in stack[stack.index(view_id) :]:
                self.records[closed].is_open = False
            del stack[stack.index(view_id) :]

    def clear(self, view_id: str) -> None:
        """Close the whole stack the view belongs to (``response_action: clear``)."""
        record = self.get(view_id)
        self.close(record.root_id)

    def open_views(self) -> list[dict[str, Any]]:
        return [
            copy.deepcopy(self.records[v].view) for stack in self.stacks.values() for v in stack
        ]
