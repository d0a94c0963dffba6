"""The post-mortem in Slack: its new owner is told in a DM (a receiver of the core's
announcements: what it queues commits with the change), and `@Response postmortem`."""

from __future__ import annotations

from django.conf import settings

from response.core import verbs
from response.core.events import Change, IncidentChanged, incident_changed
from response.core.models import ExternalUser, Incident, PostMortem
from response.core.postmortems import postmortem_of
from response.slack.blocks.postmortem import (
    postmortem_url,
    render_postmortem_owner,
    render_postmortem_status,
)
from response.slack.blocks.text import mention
from response.slack.decorators import incident_command
from response.slack.inbound.context import mentioned_users
from response.slack.outbound import outbox
from response.slack.people import slack_user


def connect() -> None:
    incident_changed.connect(on_incident_changed, dispatch_uid="response.slack.postmortem")


def on_incident_changed(sender, event: IncidentChanged, **kwargs) -> None:
    if event.kind != Change.POSTMORTEM or event.extra.get("what") != "owner":
        return
    if not settings.SLACK_BOT_TOKEN or event.object_id is None:
        return
    postmortem = (
        PostMortem.objects.select_related("owner", "incident").filter(pk=event.object_id).first()
    )
    owner = postmortem.owner if postmortem else None
    if postmortem is None or owner is None or owner.is_bot or owner.is_deleted:
        return
    if event.extra.get("themselves"):
        return  # took it on themselves: nothing to tell them
    by_name = event.actor_name or _name_of(event.actor_id)
    text, blocks = render_postmortem_owner(
        postmortem.incident_id,
        title=postmortem.incident.title,
        url=postmortem_url(postmortem.incident_id, site_url=settings.SITE_URL),
        by_name=by_name,
        state=postmortem.get_state_display(),
    )
    outbox.send_dm(owner.external_id, text=text, blocks=blocks)


def _name_of(external_user_id: int | None) -> str:
    person = ExternalUser.objects.filter(pk=external_user_id).first() if external_user_id else None
    return person.name if person else ""


@incident_command(
    ["postmortem", "post-mortem", "pm"],
    helptext="`postmortem [owner @person]` The post-mortem's link, owner and state; "
    "or give it an owner.",
)
def postmortem(incident: Incident, user_id: str, message: str):
    words = message.split()
    url = postmortem_url(incident.pk, site_url=settings.SITE_URL)
    if not words:
        found = postmortem_of(incident)
        owner = found.owner if found else None
        return True, render_postmortem_status(
            incident.pk,
            url=url,
            state=found.get_state_display() if found else None,
            owner_id=owner.external_id if owner else None,
        )
    if words[0].lower() != "owner":
        return False, "Say `postmortem` for its link and state, or `postmortem owner @person`."
    named = mentioned_users(message)
    if not named:
        return False, "Who should own the post-mortem? Say `postmortem owner @person`."
    by = slack_user(user_id)
    owner = slack_user(named[0])
    started = verbs.start_postmortem(incident, refresh_prefill=False, by=by)
    verbs.set_postmortem_owner(started, owner, by=by)
    return True, f"🗒️ {mention(owner.external_id)} owns the <{url}|post-mortem> now."
