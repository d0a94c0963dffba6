"""Keeping others informed: subscribers get status updates and the resolution by DM, and the
announcement rules (RESPONSE_ANNOUNCE) announce incidents of a severity in other channels, their
updates following in the announcement's thread.

`on_incident_changed` is a receiver of the core's announcements, connected after the one in
response.slack.reactions (so its jobs come after the headline's in the incident's lane); like
it, it only queues jobs. With no subscriber and no rule, it adds no query to a change."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from response.core.events import Change, IncidentChanged, incident_changed
from response.core.models import Incident, Subscription, TimelineEvent
from response.engine.kinds import Failed, JobContext, job_kind
from response.engine.queue import enqueue
from response.slack.blocks.declare import (
    render_announcement,
    render_subscriber_resolved,
    render_subscriber_update,
)
from response.slack.blocks.messages import render_resolved, render_status_update
from response.slack.models import Announcement, HeadlinePost
from response.slack.outbound import client
from response.slack.outbound.calls import load_incident, post_once
from response.slack.outbound.identity import CHANNEL_ID, cache_get, cache_set, find_channel_id
from response.slack.outbound.outbox import send_dm
from response.slack.outbound.places import incident_lane
from response.slack.selectors import incident_data

# Changes that announce an incident where the rules say (at declaration, or raised to it).
ANNOUNCING = {Change.DECLARED, Change.SEVERITY, Change.REOPENED}


def connect() -> None:
    incident_changed.connect(on_incident_changed, dispatch_uid="response.slack.informing")


def announcement_rules(text: str) -> dict[str, list[str]]:
    """ "critical:#exec-updates,#support;major:#support" → {"critical": ["exec-updates",
    "support"], "major": ["support"]}: severity slugs (lower case) to channel names or ids."""
    rules: dict[str, list[str]] = {}
    for rule in text.split(";"):
        severity, _, channels = rule.partition(":")
        names = [c.strip().lstrip("#") for c in channels.split(",") if c.strip().lstrip("#")]
        if severity.strip() and names:
            rules.setdefault(severity.strip().lower(), []).extend(names)
    return rules


def channel_id_named(name: str) -> str | None:
    """A channel's id from its name (or an id itself), asked of Slack once and remembered. Talks
    to Slack: call it from a job's perform()."""
    name = name.lstrip("#")
    if CHANNEL_ID.match(name):
        return name
    key = f"channel-id:{name}"
    if cached := cache_get(key):
        return cached["id"]
    found = find_channel_id(name)
    if found:
        cache_set(key, {"id": found})
    return found


def on_incident_changed(sender, event: IncidentChanged, **kwargs) -> None:
    if not settings.SLACK_BOT_TOKEN or event.kind not in {*ANNOUNCING, *FOLLOWED}:
        return
    incident = event.incident or Incident.objects.select_related("severity", "lead").get(
        pk=event.incident_id
    )
    if incident.is_private:
        return  # nothing of it leaves its own channel
    if event.kind in FOLLOWED:
        inform_subscribers(incident, event)
    if settings.RESPONSE_ANNOUNCE:
        follow_announcement_rules(incident, event)


# --- Subscribers ----------------------------------------------------------------------------------

FOLLOWED = {Change.STATUS_UPDATE, Change.RESOLVED}


def inform_subscribers(incident: Incident, event: IncidentChanged) -> None:
    """A DM to each subscriber (but whoever made the change), once: one job each."""
    subscribers = list(
        Subscription.objects.filter(incident=incident)
        .exclude(person_id=event.actor_id)
        .values_list("person__external_id", flat=True)
    )
    if not subscribers:
        return
    data = incident_data(incident, with_plugin_buttons=False)
    if event.kind == Change.STATUS_UPDATE:
        if event.object_id is None:
            return
        entry = (
            TimelineEvent.objects.filter(incident=incident, pk=event.object_id)
            .select_related("author")
            .first()
        )
        if entry is None:
            return
        text, blocks = render_subscriber_update(
            data,
            author_id=entry.author.external_id if entry.author else None,
            text=entry.text,
            site_url=settings.SITE_URL,
        )
    else:
        text, blocks = render_subscriber_resolved(data, site_url=settings.SITE_URL)
    for user_id in subscribers:
        send_dm(user_id, text=text, blocks=blocks)


# --- Announcement rules ---------------------------------------------------------------------------


def follow_announcement_rules(incident: Incident, event: IncidentChanged) -> None:
    if event.kind in ANNOUNCING and incident.severity is not None and incident.is_open():
        for channel in announcement_rules(settings.RESPONSE_ANNOUNCE).get(
            incident.severity.slug.lower(), []
        ):
            enqueue(
                AnnounceIncident(incident_id=incident.pk, channel=channel),
                lane=incident_lane(incident.pk),
                key=f"announce:{incident.pk}:{channel}",
            )
    elif event.kind in FOLLOWED:
        # Found when it runs: an announcement queued just before is posted by then (same lane).
        enqueue(
            AnnouncementReply(
                incident_id=incident.pk, event_kind=event.kind, object_id=event.object_id
            ),
            lane=incident_lane(incident.pk),
        )


@job_kind("slack.announce_incident")
@dataclass(frozen=True)
class AnnounceIncident:
    """A short post about the incident in a channel of the announcement rules, once per channel
    per incident."""

    incident_id: int
    channel: str  # a name or an id, as the rules say it

    def perform(self, job: JobContext) -> dict:
        channel_id = channel_id_named(self.channel)
        if channel_id is None:
            raise Failed(f"RESPONSE_ANNOUNCE names #{self.channel}, which does not exist")
        if Announcement.objects.filter(
            incident_id=self.incident_id, channel_id=channel_id
        ).exists():
            return {}
        incident = load_incident(self.incident_id)
        if incident.is_private:
            return {}
        post = HeadlinePost.objects.filter(incident=incident, hidden=False).first()
        permalink = None
        if post is not None:
            permalink = client.call(
                "chat.getPermalink", channel=post.channel_id, message_ts=post.message_ts
            ).get("permalink")
        text, blocks = render_announcement(
            incident_data(incident, with_plugin_buttons=False),
            headline_permalink=permalink,
            site_url=settings.SITE_URL,
        )
        answer = post_once(job, channel=channel_id, text=text, blocks=blocks, unfurl_links=False)
        return {"channel_id": channel_id, "ts": answer["ts"]}

    def record(self, job: JobContext, result: dict) -> None:
        if result.get("ts"):
            Announcement.objects.get_or_create(
                incident_id=self.incident_id,
                channel_id=result["channel_id"],
                defaults={"message_ts": result["ts"]},
            )


@job_kind("slack.announcement_reply")
@dataclass(frozen=True)
class AnnouncementReply:
    """A status update or the resolution, in the thread of each announcement of the incident.
    A retry finds the replies its first try posted (post_once, per thread)."""

    incident_id: int
    event_kind: str
    object_id: int | None = None

    def perform(self, job: JobContext) -> dict:
        announcements = list(Announcement.objects.filter(incident_id=self.incident_id))
        if not announcements:
            return {}
        incident = load_incident(self.incident_id)
        if incident.is_private:
            return {}
        text = self._text(incident)
        if text is None:
            return {}
        replied = []
        for announcement in announcements:
            post_once(
                job,
                channel=announcement.channel_id,
                thread_ts=announcement.message_ts,
                text=text,
            )
            replied.append(announcement.channel_id)
        return {"replied": replied}

    def _text(self, incident: Incident) -> str | None:
        data = incident_data(incident, with_plugin_buttons=False)
        if self.event_kind == Change.RESOLVED:
            return render_resolved(data, site_url=settings.SITE_URL)
        if self.object_id is None:
            return None
        entry = (
            TimelineEvent.objects.filter(incident=incident, pk=self.object_id)
            .select_related("author")
            .first()
        )
        if entry is None:
            return None
        author = entry.author.external_id if entry.author else None
        return render_status_update(data, author_id=author, text=entry.text)
