"""Messages and modals built with the original's block_kit, a headline button, buttons that read
`action_context.message` and `.button_value`, and a `@dialog_handler`."""

import json

from response.core import verbs
from response.core.models import Incident
from response.slack import block_kit
from response.slack.decorators import (
    action_handler,
    dialog_handler,
    headline_post_action,
    incident_command,
)
from response.slack.models import CommsChannel
from response.slack.people import slack_user

FREEZE_BUTTON = "monzo-freeze-deploys"
THAW_BUTTON = "monzo-thaw-deploys"
FREEZE_DIALOG = "monzo-freeze-dialog"


@headline_post_action(order=150)
def freeze_deploys_button(headline_post):
    return block_kit.Button("🧊 Freeze deploys", FREEZE_BUTTON, value=headline_post.incident.pk)


@action_handler(FREEZE_BUTTON)
def ask_why(action_context):
    modal = block_kit.Message()
    modal.add_block(block_kit.Section(text=block_kit.Text("No deploys until a thaw.")))
    modal.add_block(block_kit.PlainTextInput("Why?", "reason", block_id="reason"))
    modal.open_modal(
        action_context.trigger_id,
        FREEZE_DIALOG,
        "Freeze deploys",
        "Freeze",
        "Cancel",
        private_metadata=json.dumps({"incident_id": action_context.button_value}),
    )


@dialog_handler(FREEZE_DIALOG)
def freeze(user_id, channel_id, submission, response_url, state):
    incident = Incident.objects.get(pk=json.loads(state)["incident_id"])
    verbs.add_timeline_event(
        incident, f"Deploys frozen: {submission['reason']}", by=slack_user(user_id)
    )
    post_frozen(incident, user_id)


@incident_command(["freeze"], helptext="Freeze deploys")
def freeze_command(incident, user_id, message):
    post_frozen(incident, user_id)
    return True, None


def post_frozen(incident, user_id):
    message = block_kit.Message()
    message.set_fallback_text("Deploys are frozen")
    message.add_block(
        block_kit.Section(text=block_kit.Text(f"Frozen by <@{user_id}>", title="🧊 Deploys"))
    )
    message.add_block(block_kit.Divider())
    message.add_block(
        block_kit.Actions(
            block_id="freeze-actions",
            elements=[block_kit.Button("Thaw", THAW_BUTTON, value=incident.pk)],
        )
    )
    message.send(CommsChannel.objects.get(incident=incident).channel_id)


@action_handler(THAW_BUTTON)
def thaw(action_context):
    comms_channel = CommsChannel.objects.get(incident=action_context.incident)
    message = block_kit.Message()
    message.set_fallback_text("Deploys are thawed")
    message.add_block(
        block_kit.Section(
            text=block_kit.Text(f"Thawed by <@{action_context.user_id}>", title="🌤 Deploys")
        )
    )
    message.send(comms_channel.channel_id, action_context.message["ts"])
