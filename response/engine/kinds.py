"""Job kinds: a payload schema (a frozen dataclass) and what doing the job means.

    @job_kind("slack.reaction")
    @dataclass(frozen=True)
    class AddReaction:
        channel: str
        ts: str
        name: str

        def perform(self, job: JobContext) -> dict: ...          # talks to Slack

A *remote* kind (the default) performs outside any database transaction, under a lease, and
may define `record(self, job, result)`, which runs in the transaction that marks the job done.
A *transactional* kind (`transactional=True`) does only database work (it may call verbs and
enqueue jobs) and runs inside the transaction that marks it done.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import Any, Protocol

from response.registry import Registry


class Priority(IntEnum):
    """Which lanes a worker takes first."""

    VISIBLE = 0  # what people see: replies, reactions, messages, headline edits, DMs
    INBOUND = 1  # delivered events (they make the replies)
    BACKGROUND = 2  # profiles, home tabs, reminders, housekeeping


class Retry(Exception):
    """Try again later without counting a failure: a remote service rate-limited us or is down.
    The job keeps its lane waiting, so order is kept. `delay` None: back off exponentially."""

    def __init__(self, reason: str, *, delay: float | None = None, remote: str = ""):
        super().__init__(reason)
        self.delay = delay
        # The service that is down ("slack"): when it answers again, the job is released at once.
        self.remote = remote


class Failed(Exception):
    """The job can never succeed as it is (the remote service said no for good): park it."""


class Incomplete(Exception):
    """Part of the job is done and must stay done; the rest failed with `cause`. The parts
    done so far are recorded (`JobContext.progress` on the next attempt)."""

    def __init__(self, *, progress: list[str], cause: BaseException):
        super().__init__(f"{cause!r} (done so far: {', '.join(progress) or 'nothing'})")
        self.progress = progress
        self.cause = cause


@dataclass(frozen=True)
class JobContext:
    """What a kind's `perform` may know about the job it is doing."""

    id: int
    lane: str
    attempts: int  # this attempt included
    created_at: datetime
    progress: tuple[str, ...] = ()  # the parts done by earlier attempts (see Incomplete)
    # Shared by the transactional jobs done in one transaction (a lane's batch): what one read,
    # the next may reuse. Emptied when a job fails (its savepoint undid what it saw).
    batch: dict = field(default_factory=dict, compare=False, repr=False)


class Payload(Protocol):
    def perform(self, job: JobContext) -> dict | None: ...


@dataclass(frozen=True)
class Kind:
    name: str
    payload_type: type
    priority: Priority
    transactional: bool
    field_names: tuple[str, ...]

    def load(self, payload: dict) -> Any:
        try:
            return self.payload_type(**payload)
        except TypeError as error:
            raise Failed(f"the payload does not fit the {self.name} job: {error}") from None

    def dump(self, payload: object) -> dict:
        return {name: getattr(payload, name) for name in self.field_names}


KINDS: Registry[Kind] = Registry("job kind")


def job_kind(
    name: str, *, priority: Priority = Priority.VISIBLE, transactional: bool = False
) -> Callable[[type], type]:
    """Register a frozen dataclass as the payload of a kind of job (see the module docstring)."""

    def register(cls: type) -> type:
        if not dataclasses.is_dataclass(cls) or not hasattr(cls, "perform"):
            raise TypeError(f"{cls.__name__} must be a dataclass with a perform() method")
        fields = tuple(f.name for f in dataclasses.fields(cls))
        KINDS.register(name, Kind(name, cls, priority, transactional, fields))
        cls.job_kind = name  # type: ignore[attr-defined]
        return cls

    return register


def kind_of(payload: object) -> Kind:
    name = getattr(type(payload), "job_kind", None)
    if name is None:
        raise TypeError(f"{type(payload).__name__} is not a job kind (use @job_kind)")
    return KINDS.get(name)
