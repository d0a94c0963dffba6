"""The tracker integration's Slack building blocks, loaded when a tracker is set up
(response.integrations): under the message that records a follow-up action (`@Response action
…`), an "Export to Jira" and/or "Export to GitHub" button; pressing one asks for the export.

The export itself is a job of the work engine (response.integrations.trackers.jobs), queued by
the announcement of the request (response.integrations.trackers.receivers): the button's
request writes rows only and answers Slack at once."""

from __future__ import annotations

from slack_sdk.models.blocks import ButtonElement

from response.core import verbs
from response.core.errors import NotFound
from response.core.models import Action
from response.core.verbs.exports import available_trackers, tracker_label
from response.integrations.trackers.messages import exporting_text
from response.slack.decorators import ActionContext, action_handler, follow_up_action_button
from response.slack.inbound.context import tell
from response.slack.people import slack_user

EXPORT_TO_JIRA = "trackers-export-jira"
EXPORT_TO_GITHUB = "trackers-export-github"
TRACKER_OF_BUTTON = {EXPORT_TO_JIRA: Action.Tracker.JIRA, EXPORT_TO_GITHUB: Action.Tracker.GITHUB}


def export_button(action: Action, tracker: str, action_id: str) -> ButtonElement | None:
    if tracker not in available_trackers() or action.tracker_key or action.done:
        return None
    return ButtonElement(
        text=f"Export to {tracker_label(tracker)}", action_id=action_id, value=str(action.pk)
    )


@follow_up_action_button(order=100)
def export_to_jira_button(action: Action) -> ButtonElement | None:
    return export_button(action, Action.Tracker.JIRA, EXPORT_TO_JIRA)


@follow_up_action_button(order=110)
def export_to_github_button(action: Action) -> ButtonElement | None:
    return export_button(action, Action.Tracker.GITHUB, EXPORT_TO_GITHUB)


def export_pressed(context: ActionContext) -> None:
    action = Action.objects.filter(pk=int(context.value or 0)).first()
    if action is None:
        raise NotFound("That follow-up action no longer exists.", field="action_id")
    tracker = TRACKER_OF_BUTTON[context.action_id]
    already_asked = bool(action.tracker)
    verbs.request_action_export(action, tracker, by=slack_user(context.user_id))
    if not already_asked:  # pressed again while under way: once is enough
        tell(context.user_id, exporting_text(tracker_label(tracker)), channel_id=context.channel_id)


action_handler(EXPORT_TO_JIRA)(export_pressed)
action_handler(EXPORT_TO_GITHUB)(export_pressed)
