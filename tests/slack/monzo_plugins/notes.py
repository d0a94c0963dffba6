"""A modal opened with block_kit and handled by the original's `@view_handler`, from a button
registered in the `func=` form."""

from response.core import verbs
from response.core.models import Incident
from response.slack import block_kit
from response.slack.decorators import action_handler, headline_post_action, view_handler
from response.slack.people import slack_user

NOTE_BUTTON = "monzo-add-note"
NOTE_MODAL = "monzo-note-modal"


@headline_post_action(order=250)
def note_button(headline_post):
    return block_kit.Button("📝 Add a note", NOTE_BUTTON, value=headline_post.incident.pk)


def ask_for_note(action_context):
    modal = block_kit.Message()
    modal.add_block(block_kit.PlainTextInput("Note", "note", block_id="note-block", multiline=True))
    modal.open_modal(
        action_context.trigger_id,
        NOTE_MODAL,
        "Add a note",
        "Add",
        "Cancel",
        private_metadata={"incident_id": action_context.incident.pk},
    )


action_handler(NOTE_BUTTON, func=ask_for_note)


@view_handler(NOTE_MODAL)
def add_note(view_context):
    incident = Incident.objects.get(pk=view_context.private_metadata["incident_id"])
    verbs.add_timeline_event(
        incident, view_context.form_data["note"], by=slack_user(view_context.user_id)
    )
