"""What the tracker integration does when the domain changes: a receiver of the core's
announcements, run in the change's transaction. It only writes rows (jobs)."""

from __future__ import annotations

from django.conf import settings

from response.core.events import Change, IncidentChanged, incident_changed
from response.core.models import Action, ExternalUser
from response.core.verbs.exports import tracker_label
from response.integrations.trackers.jobs import export_action
from response.integrations.trackers.messages import post_exported, tell_export_failed


def connect() -> None:
    incident_changed.connect(on_incident_changed, dispatch_uid="response.integrations.trackers")


def on_incident_changed(sender, event: IncidentChanged, **kwargs) -> None:
    if event.kind == Change.ACTION_EXPORT_REQUESTED and event.object_id:
        action = Action.objects.get(pk=event.object_id)
        export_action(
            action, tracker=event.extra["tracker"], requested_by=event.extra.get("requested_by")
        )
    elif event.kind == Change.ACTION_EXPORTED and event.object_id:
        tell_the_channel_it_is_exported(event)
    elif event.kind == Change.ACTION_EXPORT_FAILED and event.extra.get("requested_by"):
        tell_who_asked_it_failed(event)


def tell_the_channel_it_is_exported(event: IncidentChanged) -> None:
    """The link, in the incident's channel: where the button was pressed (or where the team is
    when it was asked for from the web page or the API)."""
    if not settings.SLACK_BOT_TOKEN:
        return
    action = Action.objects.filter(pk=event.object_id or 0).first()
    if action is not None:
        post_exported(event.incident_id, action_text=action.text, **_issue(event))


def tell_who_asked_it_failed(event: IncidentChanged) -> None:
    if not settings.SLACK_BOT_TOKEN:
        return
    person = ExternalUser.objects.filter(pk=event.extra["requested_by"]).first()
    if person is None:
        return
    tell_export_failed(
        event.incident_id,
        user_id=person.external_id,
        tracker=tracker_label(event.extra["tracker"]),
        reason=event.extra.get("reason", ""),
    )


def _issue(event: IncidentChanged) -> dict[str, str]:
    return {
        "tracker": tracker_label(event.extra["tracker"]),
        "key": event.extra["tracker_key"],
        "url": event.extra["tracker_url"],
    }
