"""Subscribing to an incident from its headline post, and unsubscribing from a subscriber's DM."""

from __future__ import annotations

from response.core import verbs
from response.core.errors import InvalidInput
from response.slack.blocks import ids
from response.slack.decorators import ActionContext, action_handler
from response.slack.inbound.context import tell
from response.slack.people import slack_user

SUBSCRIBED = (
    "🔔 Subscribed to incident #{id}: you'll get its status updates and its resolution by DM. "
    "Press Subscribe again to stop."
)
UNSUBSCRIBED = "🔕 Unsubscribed from incident #{id}: no more DMs about it."


def _incident(context: ActionContext):
    if context.incident is None:
        raise InvalidInput("I can't tell which incident this is about.")
    return context.incident


@action_handler(ids.SUBSCRIBE)
def toggle(context: ActionContext) -> None:
    """The headline post is the same for everyone: its button subscribes, or unsubscribes
    someone who is subscribed already."""
    incident = _incident(context)
    following = verbs.toggle_subscription(incident, slack_user(context.user_id))
    answer = SUBSCRIBED if following else UNSUBSCRIBED
    tell(context.user_id, answer.format(id=incident.pk), channel_id=context.channel_id)


@action_handler(ids.UNSUBSCRIBE)
def unsubscribe(context: ActionContext) -> None:
    incident = _incident(context)
    verbs.unsubscribe(incident, slack_user(context.user_id))
    tell(context.user_id, UNSUBSCRIBED.format(id=incident.pk))  # by DM, where they clicked
