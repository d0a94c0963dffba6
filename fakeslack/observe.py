"""Observing the workspace from a test: messages, calls, deliveries, views, channels.

Every reader takes the state lock and returns copies, so tests can hold on to what they got.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

from .deliver import Delivery, Dispatcher
from .errors import SlackError
from .recorder import Call, Recorder
from .state import State


class Observers:
    """The read side of ``FakeSlack``."""

    state: State
    recorder: Recorder
    dispatcher: Dispatcher

    def calls(self, method: str | None = None, *, ok: bool | None = None) -> list[Call]:
        """Recorded Web API calls, oldest first, including those answered by an injected fault."""
        return self.recorder.select(method, ok=ok)

    def call_counts(self, since: dict[str, int] | None = None) -> dict[str, int]:
        """Web API calls made per method (faulted ones included), counted even when the calls
        themselves are not kept; with ``since`` (an earlier result), only those made after it."""
        return self.recorder.counts(since)

    def deliveries(self, kind: str | None = None) -> list[Delivery]:
        """Deliveries to the app (``event``, ``command``, ``interaction``), oldest first."""
        return self.dispatcher.deliveries(kind)

    def events(self, type: str | None = None) -> list[dict[str, Any]]:
        """The events delivered (or offered, with no app configured), oldest first."""
        events = [d.payload["event"] for d in self.deliveries("event")]
        return [e for e in events if type is None or e["type"] == type]

    def channel(self, ref: str) -> dict[str, Any]:
        """A channel as ``conversations.info`` shows it, plus ``members``."""
        with self.state.lock:
            channel = self.state.channel(ref)
            return {
                **channel.to_api(viewer=self.state.bot_user_id),
                "members": list(channel.members),
            }

    def channels(self) -> list[dict[str, Any]]:
        with self.state.lock:
            return [self.channel(c) for c in self.state.channels]

    def messages(self, channel: str, *, replies: bool = True) -> list[dict[str, Any]]:
        """Current messages in ts order (thread replies included unless ``replies=False``).

        Each is a copy of the latest version, with ``channel`` and ``pinned`` added.
        """
        with self.state.lock:
            target = self.state.channel(channel)
            return [
                self.state.snapshot_message(target, m)
                for m in target.messages
                if replies or m.get("thread_ts") in (None, m["ts"])
            ]

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        with self.state.lock:
            target = self.state.channel(channel)
            return self.state.snapshot_message(target, self.state.message(target, ts))

    def replies(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """The thread: its parent first, then replies in order."""
        return [
            m
            for m in self.messages(channel)
            if m["ts"] == thread_ts or m.get("thread_ts") == thread_ts
        ]

    def ephemeral(
        self, channel: str | None = None, user: str | None = None
    ) -> list[dict[str, Any]]:
        """Ephemeral messages (``chat.postEphemeral``, command answers), with ``recipient``."""
        with self.state.lock:
            channel_id = self.state.channel(channel).id if channel else None
            user_id = self.state.user(user)["id"] if user else None
            return [
                copy.deepcopy(e)
                for e in self.state.ephemeral
                if channel_id in (None, e["channel"]) and user_id in (None, e["recipient"])
            ]

    def views(self) -> list[dict[str, Any]]:
        """Every view ever opened or published, latest version, with ``is_open`` and ``errors``."""
        with self.state.lock:
            return [self._view(r) for r in self.state.views.records.values()]

    def open_views(self, user: str | None = None) -> list[dict[str, Any]]:
        """Modals currently open (bottom of each stack first)."""
        with self.state.lock:
            user_id = self.state.user(user)["id"] if user else None
            store = self.state.views
            return [
                self._view(store.records[v])
                for stack in store.stacks.values()
                for v in stack
                if user_id in (None, store.records[v].user_id)
            ]

    def view(self, view_id: str) -> dict[str, Any]:
        with self.state.lock:
            return self._view(self.state.views.get(view_id))

    def home_view(self, user: str) -> dict[str, Any] | None:
        """The App Home view published for this user, if any."""
        with self.state.lock:
            view_id = self.state.views.home.get(self.state.user(user)["id"])
            return self.view(view_id) if view_id else None

    @staticmethod
    def _view(record: Any) -> dict[str, Any]:
        return {
            **copy.deepcopy(record.view),
            "is_open": record.is_open,
            "errors": dict(record.errors),
            "user_id": record.user_id,
        }

    def pins(self, channel: str) -> list[dict[str, Any]]:
        """Pinned messages, in pin order (latest version of each)."""
        with self.state.lock:
            target = self.state.channel(channel)
            return [
                self.state.snapshot_message(target, self.state.message(target, p["ts"]))
                for p in target.pins
            ]

    def bookmarks(self, channel: str) -> list[dict[str, Any]]:
        with self.state.lock:
            return copy.deepcopy(self.state.channel(channel).bookmarks)

    def topic(self, channel: str) -> str:
        with self.state.lock:
            return str(self.state.channel(channel).topic.get("value", ""))

    def purpose(self, channel: str) -> str:
        with self.state.lock:
            return str(self.state.channel(channel).purpose.get("value", ""))

    def members(self, channel: str) -> list[str]:
        """Member user ids, in join order."""
        with self.state.lock:
            return list(self.state.channel(channel).members)

    def wait_for[T](
        self, predicate: Callable[[], T], timeout: float = 5.0, interval: float = 0.02
    ) -> T:
        """Poll until ``predicate()`` is truthy and return its value; ``TimeoutError`` otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = predicate()
            except (LookupError, SlackError):
                value = None  # not there yet, e.g. a channel the worker has still to create
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(f"condition not met within {timeout} s")
            time.sleep(interval)

    def snapshot(self) -> dict[str, Any]:
        """The whole workspace as JSON-ready data (``GET /_fakeslack/state``)."""
        with self.state.lock:
            state = self.state
            return {
                "team": dict(state.team),
                "bot": {
                    "user_id": state.bot_user_id,
                    "bot_id": state.bot_id,
                    "app_id": state.app_id,
                },
                "users": copy.deepcopy(list(state.users.values())),
                "channels": [
                    {
                        **self.channel(c.id),
                        "messages": self.messages(c.id),
                        "pins": [p["ts"] for p in c.pins],
                        "bookmarks": copy.deepcopy(c.bookmarks),
                    }
                    for c in state.channels.values()
                ],
                "usergroups": copy.deepcopy(list(state.usergroups.values())),
                "views": self.views(),
                "ephemeral": copy.deepcopy(state.ephemeral),
                "calls": self.recorder.total,
            }
