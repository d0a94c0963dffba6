"""The building blocks plugins are written with (public, stable API from the original Response).

    @incident_command(['duration'], helptext='How long has this incident been running?')
    @keyword_handler(['runbook', 'run book'])
    @event_handler('member_joined_channel')
    @action_handler(HeadlinePost.CLOSE_INCIDENT_BUTTON)
    @headline_post_action(order=150)
    @follow_up_action_button(order=100)
    @modal_handler('my-modal-callback-id')
    @recurring_notification(interval_mins=30, max_notifications=10)
    @single_notification(initial_delay_mins=5)

Each decorator records a spec in a strict registry (a duplicate name raises) and returns the
function unchanged. Plugins are modules listed in RESPONSE_PLUGINS, imported once at start-up.

Plugins written for Monzo's original Response run too: its other names (`@slack_event`,
`@dialog_handler`, `@view_handler`), its `func=` form and its keyword handlers that take the
keyword are translated by response.slack.compat, which says what to write instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from response.notifications import registry as notifications
from response.notifications.registry import (
    NOT_NOW,
    NOTIFICATIONS,
    NotNow,
    recurring_notification,  # the original's took no func=
)
from response.registry import Registry
from response.slack import compat

__all__ = [
    "NOT_NOW",
    "ActionContext",
    "NotNow",
    "action_handler",
    "dialog_handler",
    "event_handler",
    "follow_up_action_button",
    "headline_post_action",
    "incident_command",
    "keyword_handler",
    "modal_handler",
    "recurring_notification",
    "single_notification",
    "slack_event",
    "view_handler",
]


@dataclass(frozen=True)
class CommandSpec:
    names: tuple[str, ...]
    func: Callable
    helptext: str


@dataclass(frozen=True)
class KeywordSpec:
    keywords: tuple[str, ...]
    func: Callable
    pattern: re.Pattern = field(repr=False)
    passes_keyword: bool = False  # the original's (comms_channel, user, keyword, text, ts)

    def keyword_in(self, text: str) -> str | None:
        """The keyword, as registered, that the text contains."""
        if found := self.pattern.search(text):
            said = found.group(0).lower()
            return next(k for k in self.keywords if k.lower() == said)
        return None


@dataclass(frozen=True)
class EventSpec:
    event_type: str
    func: Callable


@dataclass(frozen=True)
class HeadlineActionSpec:
    order: int
    func: Callable


@dataclass(frozen=True)
class ActionButtonSpec:
    order: int
    func: Callable


@dataclass
class ActionContext(compat.OriginalActionContext):
    """What a button press or menu choice carries, for @action_handler functions."""

    incident: Any  # response.core.models.Incident, or None when the action is not about one
    user_id: str
    action_id: str
    value: str | None
    trigger_id: str | None
    channel_id: str | None
    message_ts: str | None
    response_url: str | None
    payload: dict


INCIDENT_COMMANDS: Registry[CommandSpec] = Registry("incident command")
KEYWORD_HANDLERS: Registry[KeywordSpec] = Registry("keyword handler")
EVENT_HANDLERS: Registry[EventSpec] = Registry("event handler")
ACTION_HANDLERS: Registry[Callable[[ActionContext], Any]] = Registry("action handler")
HEADLINE_POST_ACTIONS: Registry[HeadlineActionSpec] = Registry("headline post action")
MODAL_HANDLERS: Registry[Callable] = Registry("modal handler")
FOLLOW_UP_ACTION_BUTTONS: Registry[ActionButtonSpec] = Registry("follow-up action button")


def _name(func: Callable) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def incident_command(
    commands: list[str], helptext: str | Callable = "", func: Callable | None = None
) -> Callable:
    """`@Response <command> …` (or `/incident <command> …`) in an incident's channel calls
    `func(incident, user_id, message)`, which returns `(handled, reply_or_None)`."""
    if callable(helptext):  # the original's incident_command(commands, func=None, helptext="")
        func, helptext = helptext, ""

    def register(func: Callable) -> Callable:
        spec = CommandSpec(tuple(c.lower() for c in commands), func, str(helptext))
        for name in spec.names:
            INCIDENT_COMMANDS.register(name, spec)
        return func

    return compat.func_form(register, func, f"incident_command({commands!r}")


def keyword_handler(keywords: list[str], func: Callable | None = None) -> Callable:
    """A message in an incident's channel containing one of the keywords (whole words, any case)
    calls `func(comms_channel, user, text, ts)` (or, written for the original's later releases,
    `func(comms_channel, user, keyword, text, ts)`)."""

    def register(func: Callable) -> Callable:
        alternatives = "|".join(re.escape(k) for k in keywords)
        pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        passes_keyword = compat.keyword_handler_takes_keyword(func)
        KEYWORD_HANDLERS.register(
            _name(func), KeywordSpec(tuple(keywords), func, pattern, passes_keyword)
        )
        return func

    return compat.func_form(register, func, f"keyword_handler({keywords!r}")


def event_handler(event_type: str, func: Callable | None = None) -> Callable:
    """Any Events API event of this type calls `func(incident, event)`; `incident` is the
    incident whose channel the event happened in, or None."""

    def register(func: Callable) -> Callable:
        EVENT_HANDLERS.register(f"{event_type}:{_name(func)}", EventSpec(event_type, func))
        return func

    return compat.func_form(register, func, f"event_handler({event_type!r}")


def action_handler(action_id: str, func: Callable | None = None) -> Callable:
    """A button or menu with this action id calls `func(action_context)`."""

    def register(func: Callable) -> Callable:
        ACTION_HANDLERS.register(action_id, func)
        return func

    return compat.func_form(register, func, f"action_handler({action_id!r}")


def headline_post_action(order: int = 0, func: Callable | None = None) -> Callable:
    """`func(headline_post)` returns a Block Kit element (a dict or an slack_sdk element) to add
    to the headline post's buttons, or None; built-ins sit at orders 100, 200 and 300."""

    def register(func: Callable) -> Callable:
        HEADLINE_POST_ACTIONS.register(_name(func), HeadlineActionSpec(order, func))
        return func

    return compat.func_form(register, func, f"headline_post_action(order={order}")


def follow_up_action_button(order: int = 0) -> Callable:
    """`func(action)` (a response.core.models.Action) returns a Block Kit element (a dict or an
    slack_sdk element) to add under the message that records a follow-up action, or None."""

    def register(func: Callable) -> Callable:
        FOLLOW_UP_ACTION_BUTTONS.register(_name(func), ActionButtonSpec(order, func))
        return func

    return register


def modal_handler(callback_id: str) -> Callable:
    """Submitting a modal with this callback id calls `func(user_id, values, metadata, payload)`;
    it may return a dict of {block_id: error message} to show in the modal."""

    def register(func: Callable) -> Callable:
        MODAL_HANDLERS.register(callback_id, func)
        return func

    return register


def single_notification(initial_delay_mins: int = 0, func: Callable | None = None) -> Callable:
    """response.notifications.registry.single_notification, with the original's `func=`."""
    register = notifications.single_notification(initial_delay_mins)
    return compat.func_form(register, func, f"single_notification({initial_delay_mins}")


# --- The original's other names (response.slack.compat) -------------------------------------------


def slack_event(event_type: str, func: Callable | None = None) -> Callable:
    """The original's `@slack_event`: `func(incident, event)` for events of this type in an
    incident's channel (never with None, never for bots' messages)."""

    def register(func: Callable) -> Callable:
        compat.require(func, 2, "(incident, event)", "A @slack_event handler")
        compat.report_once(func, f"@slack_event({event_type!r})", f"@event_handler({event_type!r})")
        spec = EventSpec(event_type, compat.only_in_incident_channels(func))
        EVENT_HANDLERS.register(f"{event_type}:{_name(func)}", spec)
        return func

    return compat.func_form(register, func, f"slack_event({event_type!r}")


def dialog_handler(callback_id: str, func: Callable | None = None) -> Callable:
    """The original's `@dialog_handler`: `func(user_id, channel_id, submission, response_url,
    state)` when a modal with this callback id is submitted (see compat.dialog_submission)."""

    def register(func: Callable) -> Callable:
        shape = "(user_id, channel_id, submission, response_url, state)"
        compat.require(func, 5, shape, "A @dialog_handler")
        compat.report_once(
            func,
            f"@dialog_handler({callback_id!r})",
            f"a modal and @modal_handler({callback_id!r}), (user_id, values, metadata, payload)",
        )
        MODAL_HANDLERS.register(callback_id, compat.dialog_submission(func))
        return func

    return compat.func_form(register, func, f"dialog_handler({callback_id!r}")


def view_handler(callback_id: str, func: Callable | None = None) -> Callable:
    """The original's `@view_handler`: `func(view_context)` when a modal with this callback id
    is submitted (see compat.ViewContext)."""

    def register(func: Callable) -> Callable:
        compat.require(func, 1, "(view_context)", "A @view_handler")
        compat.report_once(
            func,
            f"@view_handler({callback_id!r})",
            f"@modal_handler({callback_id!r}), (user_id, values, metadata, payload)",
        )
        MODAL_HANDLERS.register(callback_id, compat.view_submission(func))
        return func

    return compat.func_form(register, func, f"view_handler({callback_id!r}")


def command_help() -> list[tuple[str, str]]:
    """Each incident command once, with its help: [("severity / sev", "…"), …]."""
    seen, rows = set(), []
    for _, spec in INCIDENT_COMMANDS.items():
        if spec.names not in seen:
            seen.add(spec.names)
            rows.append((" / ".join(spec.names), spec.helptext))
    return rows


def event_handlers_for(event_type: str) -> list[EventSpec]:
    return [spec for spec in EVENT_HANDLERS.values() if spec.event_type == event_type]


@contextmanager
def isolated_registries() -> Iterator[None]:
    """Load plugins for one test and forget them afterwards."""
    registries: list[Registry[Any]] = [
        INCIDENT_COMMANDS,
        KEYWORD_HANDLERS,
        EVENT_HANDLERS,
        ACTION_HANDLERS,
        HEADLINE_POST_ACTIONS,
        MODAL_HANDLERS,
        FOLLOW_UP_ACTION_BUTTONS,
        NOTIFICATIONS,
    ]
    with ExitStack() as stack:
        stack.enter_context(compat.isolated_reports())
        for registry in registries:
            stack.enter_context(registry.isolated())
        yield
