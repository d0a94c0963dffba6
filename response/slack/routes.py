"""Every Slack delivery, and the function that handles it: the one routing table.

Interactive deliveries (the slash command, modal submissions, shortcuts, buttons and menus) are
answered in the request: Bolt routes them to the listeners registered in `register_listeners`.
Events API events are recorded and acknowledged at once, then run on the worker: the routes
for an event are `event_routes(event)`, built-ins first, then plugins, each run and retried on
its own. Plugins' handlers (@action_handler, @modal_handler, @event_handler, @keyword_handler,
@incident_command) are routed from the same registries as the built-ins.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from slack_bolt import App

from response.core.models import Incident
from response.slack.blocks import ids
from response.slack.decorators import (
    ACTION_HANDLERS,
    EVENT_HANDLERS,
    KEYWORD_HANDLERS,
    MODAL_HANDLERS,
    KeywordSpec,
)
from response.slack.inbound import (
    actions,
    commands,
    declare_from,
    events,
    modals,
    shortcuts,
    types,
)
from response.slack.middleware import record_delivery
from response.slack.models import CommsChannel

logger = logging.getLogger(__name__)

ANYTHING = re.compile(".*")


def register_listeners(app: App) -> None:
    """Interactive deliveries, in the order Bolt tries them (the first match runs)."""
    app.use(record_delivery)
    app.command(settings.RESPONSE_SLASH_COMMAND)(commands.handle_slash_command)
    app.view(ids.DECLARE_MODAL)(modals.submit_declare)
    app.view(ids.EDIT_MODAL)(modals.submit_edit)
    app.view(ids.FIELD_MODAL)(modals.submit_field)
    app.view(ids.UPDATE_MODAL)(modals.submit_update)
    for callback_id, handler in MODAL_HANDLERS.items():
        app.view(callback_id)(modals.plugin_submission(callback_id, handler))
    # A type chosen in the edit modal, else in the declare modal.
    app.action(ids.TYPE, matchers=[types.in_edit_modal])(types.change_edit_type)
    app.action(ids.TYPE)(types.change_declare_type)
    app.shortcut(ids.DECLARE_SHORTCUT)(shortcuts.declare)
    app.shortcut(ids.ADD_TO_TIMELINE_SHORTCUT)(shortcuts.add_to_timeline)
    app.shortcut(ids.DECLARE_FROM_MESSAGE_SHORTCUT)(declare_from.declare_from_message)
    # Built-in buttons and plugins' alike (response.slack.inbound.builtin_actions).
    for action_id, handler in ACTION_HANDLERS.items():
        app.action(action_id)(actions.listener(handler))
    # What nobody handles is still acknowledged: a link button's click, a closed modal, a form
    # opened by a plugin that was removed since.
    app.view_closed(ANYTHING)(acknowledge)
    app.view(ANYTHING)(acknowledge)
    app.action(ANYTHING)(acknowledge)
    app.shortcut(ANYTHING)(acknowledge)
    app.error(log_error)


def acknowledge(ack, body) -> None:
    ack()


def log_error(error, body, logger):
    logger.exception("Slack listener failed: %s", error)


# --- Events ---------------------------------------------------------------------------------------

Handler = Callable[[Incident | None, dict], None]
PLAIN = frozenset({None, "thread_broadcast", "file_share"})


@dataclass(frozen=True)
class EventRoute:
    name: str  # recorded when done: a retried event runs only the routes that failed
    event_type: str
    handler: Handler
    subtypes: frozenset[str | None] | None = None  # None: any subtype

    def matches(self, event: dict) -> bool:
        if event.get("type") != self.event_type:
            return False
        return self.subtypes is None or event.get("subtype") in self.subtypes


def _builtin(event_type: str, handler: Handler, subtypes=None) -> EventRoute:
    return EventRoute(f"builtin:{handler.__name__}", event_type, handler, subtypes)


BUILTIN_EVENT_ROUTES: tuple[EventRoute, ...] = (
    _builtin("app_mention", events.run_mentioned_command),
    _builtin("message", events.count_participant, PLAIN),
    _builtin("message", events.follow_edit, frozenset({"message_changed"})),
    _builtin("message", events.follow_deletion, frozenset({"message_deleted"})),
    _builtin("pin_added", events.add_pinned_message),
    _builtin("pin_removed", events.remove_unpinned_message),
    _builtin("reaction_added", events.add_reacted_message),
    _builtin("reaction_added", declare_from.offer_to_declare),
    _builtin("reaction_removed", events.remove_reacted_message),
    _builtin("channel_rename", events.follow_rename),
    _builtin("group_rename", events.follow_rename),
    _builtin("member_joined_channel", events.note_member_joined),
    _builtin("member_left_channel", events.note_member_left),
    _builtin("app_home_opened", events.publish_home_tab),
)


def event_routes(event: dict) -> list[EventRoute]:
    """The handlers of an event, in the order they run."""
    routes = [route for route in BUILTIN_EVENT_ROUTES if route.matches(event)]
    if event.get("type") == "message" and event.get("subtype") in PLAIN:
        text = event.get("text") or ""
        if events.MISADDRESSED.match(text):  # rare: no savepoint for it on every message
            routes.append(_builtin("message", events.answer_misaddressed_command, PLAIN))
        routes += [
            EventRoute(f"keyword:{name}", "message", _keyword_handler(spec), PLAIN)
            for name, spec in KEYWORD_HANDLERS.items()
            if spec.pattern.search(text)
        ]
    routes += [
        EventRoute(f"plugin:{name}", spec.event_type, spec.func)
        for name, spec in EVENT_HANDLERS.items()
        if spec.event_type == event.get("type")
    ]
    return routes


def _keyword_handler(spec: KeywordSpec) -> Handler:
    """`func(comms_channel, user, text, ts)`, for people's messages in an incident's channel;
    `func(comms_channel, user, keyword, text, ts)` for the original's (response.slack.compat)."""

    def handle(incident: Incident | None, event: dict) -> None:
        if events.is_persons_message(incident, event):
            channel = CommsChannel.objects.get(incident=incident)
            text = event.get("text") or ""
            if spec.passes_keyword:
                spec.func(channel, event["user"], spec.keyword_in(text), text, event["ts"])
            else:
                spec.func(channel, event["user"], text, event["ts"])

    return handle
