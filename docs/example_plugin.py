"""An example Response plugin that uses every building block.

Enable it by listing its module in RESPONSE_PLUGINS (it must be importable, e.g. copied into your
own package): RESPONSE_PLUGINS=mycompany.response_plugin. tests/slack/test_example_plugin.py runs
it against fakeslack. See docs/plugins.md.
"""

import json

from slack_sdk.models.blocks import ButtonElement, InputBlock, PlainTextInputElement
from slack_sdk.models.views import View

from response.core import verbs
from response.core.models import Incident
from response.slack.decorators import (
    ActionContext,
    action_handler,
    event_handler,
    headline_post_action,
    incident_command,
    keyword_handler,
    modal_handler,
    recurring_notification,
    single_notification,
)
from response.slack.models import CommsChannel, HeadlinePost
from response.slack.outbound.client import request_path_client
from response.slack.people import slack_user

PAGE_DATABASE_TEAM = "example-page-database-team"
PAGE_MODAL = "example-page-modal"


@incident_command(["oncall"], helptext="Who is on call for the database?")
def who_is_on_call(incident: Incident, user_id: str, message: str):
    comms_channel = CommsChannel.objects.get(incident=incident)
    comms_channel.post_in_channel("📟 The database on-call this week is @dbadmin.")
    return True, None


@keyword_handler(["runbook", "run book"])
def runbook_notification(comms_channel: CommsChannel, user: str, text: str, ts: str):
    comms_channel.post_in_channel("📗 Runbooks live at https://wiki.example.com/runbooks")


@event_handler("member_joined_channel")
def welcome(incident: Incident | None, event: dict):
    if incident is not None:
        comms_channel = CommsChannel.objects.get(incident=incident)
        comms_channel.post_in_channel(f"👋 Welcome <@{event['user']}>! Read the pinned messages.")


@headline_post_action(order=150)
def page_database_team(headline_post: HeadlinePost):
    return ButtonElement(
        text="📟 Page the database team",
        action_id=PAGE_DATABASE_TEAM,
        value=str(headline_post.incident_id),
    )


@action_handler(PAGE_DATABASE_TEAM)
def ask_what_to_say(action_context: ActionContext):
    view = View(
        type="modal",
        callback_id=PAGE_MODAL,
        title="Page the database team",
        submit="Page",
        private_metadata=json.dumps({"incident_id": action_context.incident.pk}),
        blocks=[
            InputBlock(
                block_id="message",
                label="Message",
                element=PlainTextInputElement(action_id="message"),
            )
        ],
    )
    request_path_client().views_open(trigger_id=action_context.trigger_id, view=view.to_dict())


@modal_handler(PAGE_MODAL)
def page(user_id: str, values: dict, metadata: dict, payload: dict):
    message = (values.get("message") or "").strip()
    if len(message) < 5:
        return {"message": "Tell them a little more (five characters at least)."}
    incident = Incident.objects.get(pk=metadata["incident_id"])
    verbs.add_timeline_event(
        incident, f"Paged the database team: {message}", by=slack_user(user_id)
    )
    return None


@recurring_notification(interval_mins=30, max_notifications=10)
def take_a_break(incident: Incident):
    comms_channel = CommsChannel.objects.get(incident=incident)
    comms_channel.post_in_channel(
        "👋 30 minutes have elapsed. Think about taking a few minutes away from the screen."
    )


@single_notification(initial_delay_mins=5)
def remind_about_the_status_page(incident: Incident):
    comms_channel = CommsChannel.objects.get(incident=incident)
    comms_channel.post_in_channel("📣 Does the public status page need an update?")
