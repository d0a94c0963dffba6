"""The one error type: a Slack error code, as the Web API would answer it."""

from __future__ import annotations

from typing import Any


class SlackError(Exception):
    """A Slack error code (``channel_not_found``, ``not_in_channel``, ...).

    Raised by Web API handlers (and answered as ``{"ok": false, "error": code}``) and by actors
    when a user tries something the Slack client would refuse.
    """

    def __init__(self, error: str, detail: str = "", **extra: object) -> None:
        super().__init__(f"{error}: {detail}" if detail else error)
        self.error = error
        self.detail = detail
        self.extra = extra

    def to_response(self) -> dict[str, Any]:
        response: dict[str, Any] = {"ok": False, "error": self.error, **self.extra}
        if self.detail:
            response.setdefault("response_metadata", {"messages": [f"[ERROR] {self.detail}"]})
        return response
