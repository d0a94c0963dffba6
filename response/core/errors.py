"""The domain's one error tree. Adapters map these to a 4xx, a modal error or an ephemeral reply."""

from __future__ import annotations

from typing import Any


class ResponseError(Exception):
    """Something a person asked for that cannot be done; `message` says why, for that person."""

    def __init__(
        self, message: str, *, field: str | None = None, extra: dict[str, Any] | None = None
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}


class InvalidInput(ResponseError):
    """The request is malformed: an empty title, an unknown severity, a date in the future."""


class Conflict(ResponseError):
    """The thing is not (or no longer) in a state that allows this; perhaps someone else changed
    it a moment ago."""


class InvalidTransition(Conflict):
    """The incident is not in a state that allows this: resolving a resolved incident."""


class NotFound(ResponseError):
    """The thing asked about does not exist (or is not visible to whoever asked), or it was
    removed by someone else between the moment it was asked for and the verb's lock."""


class AuditLogIsAppendOnly(ResponseError):
    def __init__(self) -> None:
        super().__init__("The audit log is append-only: its entries cannot be changed or deleted.")
