"""Plugins written for Monzo's original Response, run unchanged.

The seed's README is the contract (response.slack.decorators); the original's code accepted
more, and plugins in the wild rely on it. What it accepted is translated here, at registration,
and each use is reported once per plugin function with its modern equivalent
(docs/plugins.md, "Coming from Monzo's Response"):

- keyword handlers taking the keyword too, `(comms_channel, user, keyword, text, ts)`;
- `@slack_event(...)`, `@dialog_handler(...)`, `@view_handler(...)`;
- the `func=` form of every decorator, `keyword_handler(['x'], func=handler)`;
- `action_context.message` and `.button_value`;
- `response.slack.block_kit` (Message, Section, Text, Actions, Button, Divider, …).

Signatures are read with `inspect.signature` when a handler is registered; nothing is tried
and caught at run time.

A use is reported twice over, because each reaches a different reader: a `DeprecationWarning`
(at the plugin function's own line) for the plugin's test suite, where pytest shows it and
`-W error::DeprecationWarning` fails on it; and a logged warning for whoever runs Response,
since Python hides DeprecationWarnings outside `__main__` and a server never shows them.
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import CodeType, FrameType
from typing import Any

from response.slack.inbound.forms import element_value

logger = logging.getLogger(__name__)

GUIDE = 'docs/plugins.md, "Coming from Monzo\'s Response"'
# Frames inside these modules are the compatibility layer's own; the plugin is the first outside.
_OWN_MODULES = frozenset({__name__, "response.slack.block_kit", "response.slack.decorators"})

_reported: set[tuple[str, str]] = set()
_reporting = threading.Lock()  # handlers run on several threads: once means once


def report_once(func: Callable, what: str, modern: str) -> None:
    """Say once per plugin function (and per kind of use) that it uses `what` of the original
    and what to write instead."""
    _report(func.__code__, func.__module__, what, modern)


def report_caller_once(what: str, modern: str) -> None:
    """report_once for the plugin function that called into the compatibility layer."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") in _OWN_MODULES:
        frame = frame.f_back
    if frame is not None:
        _report(frame.f_code, frame.f_globals.get("__name__") or "?", what, modern)


def _report(code: CodeType, module: str, what: str, modern: str) -> None:
    name = f"{module}.{code.co_qualname}"
    with _reporting:
        if (name, what) in _reported:
            return
        _reported.add((name, what))
    message = f"{name} uses {what} (from Monzo's Response); use {modern} instead. See {GUIDE}."
    logger.warning("%s", message)
    # At the plugin function's own line, whoever calls it.
    warnings.warn_explicit(
        message,
        DeprecationWarning,
        filename=code.co_filename,
        lineno=code.co_firstlineno,
        module=module,
    )


@contextmanager
def isolated_reports() -> Iterator[None]:
    """Plugins loaded for one test are reported afresh, and forgotten afterwards."""
    saved = set(_reported)
    _reported.clear()
    try:
        yield
    finally:
        _reported.clear()
        _reported.update(saved)


# --- Signatures -----------------------------------------------------------------------------------


def takes(func: Callable, count: int) -> bool:
    """Whether `func` can be called with `count` positional arguments."""
    try:
        inspect.signature(func).bind(*range(count))
    except TypeError:
        return False
    return True


def keyword_handler_takes_keyword(func: Callable) -> bool:
    """Whether a keyword handler is the original's `(comms_channel, user, keyword, text, ts)`
    (its later releases) rather than the README's `(comms_channel, user, text, ts)`. When both
    fit (`*args`, defaults), a parameter named `keyword` decides."""
    four, five = takes(func, 4), takes(func, 5)
    if four and five:
        five = "keyword" in inspect.signature(func).parameters
        four = not five
    if not (four or five):
        raise TypeError(
            f"A keyword handler takes (comms_channel, user, text, ts); "
            f"{func.__module__}.{func.__qualname__}{inspect.signature(func)} does not."
        )
    if five:
        report_once(
            func,
            "a keyword handler taking (comms_channel, user, keyword, text, ts)",
            "(comms_channel, user, text, ts)",
        )
    return five


def require(func: Callable, count: int, shape: str, what: str) -> None:
    if not takes(func, count):
        raise TypeError(
            f"{what} takes {shape}; "
            f"{func.__module__}.{func.__qualname__}{inspect.signature(func)} does not."
        )


def func_form(
    register: Callable[[Callable], Callable], func: Callable | None, call: str
) -> Callable:
    """`decorator(..., func=handler)` registers at once, as the original's decorators did."""
    if func is None:
        return register
    report_once(func, f"{call}, func=…)", f"{call})({func.__name__}) or @{call})")
    return register(func)


# --- The original's handler shapes ----------------------------------------------------------------


def only_in_incident_channels(func: Callable) -> Callable[[Any, dict], None]:
    """An original `@slack_event` handler, `func(incident, event)`: the original called it only
    for events in an incident's channel, and never for bots' messages."""

    @functools.wraps(func)
    def handle(incident: Any, event: dict) -> None:
        if incident is not None and event.get("subtype") != "bot_message":
            func(incident, event)

    return handle


def dialog_submission(func: Callable) -> Callable[..., None]:
    """An original `@dialog_handler`, `func(user_id, channel_id, submission, response_url,
    state)`, called for a modal's submission: the submission is {action_id: value} (a dialog's
    element `name`), the state the modal's private_metadata; the channel is the `channel_id` in
    that metadata when it is JSON that has one; a modal has no response_url."""

    @functools.wraps(func)
    def submit(user_id: str, values: dict, metadata: dict, payload: dict) -> None:
        view = payload.get("view") or {}
        submission = values_by_action_id(view)
        func(user_id, metadata.get("channel_id"), submission, None, view.get("private_metadata"))

    return submit


@dataclass(frozen=True)
class ViewContext:
    """What the original's `@view_handler` functions were given."""

    form_data: dict
    private_metadata: Any
    user_id: str
    trigger_id: str | None
    view_id: str | None
    response_url: str | None


def view_submission(func: Callable) -> Callable[..., None]:
    """An original `@view_handler`, `func(view_context)`."""

    @functools.wraps(func)
    def submit(user_id: str, values: dict, metadata: dict, payload: dict) -> None:
        view = payload.get("view") or {}
        try:
            private_metadata = json.loads(view.get("private_metadata") or "null")
        except ValueError:
            private_metadata = view.get("private_metadata")
        urls = payload.get("response_urls") or []
        func(
            ViewContext(
                form_data=values_by_action_id(view),
                private_metadata=private_metadata,
                user_id=user_id,
                trigger_id=payload.get("trigger_id"),
                view_id=view.get("id"),
                response_url=urls[0].get("response_url") if urls else None,
            )
        )

    return submit


def values_by_action_id(view: dict) -> dict[str, Any]:
    return {
        action_id: element_value(element)
        for actions in ((view.get("state") or {}).get("values") or {}).values()
        for action_id, element in actions.items()
    }


class OriginalActionContext:
    """The attributes of the original's ActionContext that ours names differently."""

    payload: dict
    value: str | None

    @property
    def message(self) -> dict | None:
        """The message the button was in, as Slack sent it."""
        report_caller_once(
            "action_context.message",
            "action_context.channel_id and .message_ts (or action_context.payload['message'])",
        )
        return self.payload.get("message")

    @property
    def button_value(self) -> str | None:
        report_caller_once("action_context.button_value", "action_context.value")
        return self.value
