"""Keeping others informed: subscribers get status updates and the resolution by DM, and the
announcement rules (RESPONSE_ANNOUNCE) announce incidents of a severity in other channels, their
updates following in the announcement's thread.

`on_incident_changed` is a receiver of the core's announcements, connected after the one in
response.slack.reactions (so its jobs come after the headline's in the incident's lane); like
it, it only queues jobs. With no subscriber and no rule, it adds no query to a change."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.conf import settings

from response.core.events import Change, IncidentChanged, incident_changed
from response.core.models import Incident, Subscription, TimelineEvent, TimelineImage
from response.core.verbs import keep_timeline_image
from response.core.verbs.images import IMAGE_TYPES
from response.engine.kinds import Failed, JobContext, Priority, job_kind
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
from response.slack.outbound.client import is_slack_file_url
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
    if not settings.SLACK_BOT_TOKEN:
        return
    if event.kind == Change.TIMELINE_ADDED and event.object_id is not None:
        return keep_thumbnails(event.object_id)
    if event.kind not in {*ANNOUNCING, *FOLLOWED}:
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


# --- Thumbnails of the images on the timeline -----------------------------------------------------


def keep_thumbnails(entry_id: int) -> None:
    """A copy of each private thumbnail of a new timeline entry (response.slack.inbound.timeline
    .images_of), for the incident page, which cannot load Slack's own."""
    entry = TimelineEvent.objects.filter(pk=entry_id).only("metadata", "incident_id").first()
    images = (entry.metadata or {}).get("images") or [] if entry is not None else []
    for position, image in enumerate(images):
        thumb = image.get("thumb") if isinstance(image, dict) else None
        if thumb and not image.get("public") and is_slack_file_url(thumb):
            enqueue(
                KeepThumbnail(entry_id=entry_id, position=position, url=thumb),
                lane="thumbnails",
                key=f"thumbnail:{entry_id}:{position}",
            )


@job_kind("slack.keep_thumbnail", priority=Priority.BACKGROUND)
@dataclass(frozen=True)
class KeepThumbnail:
    entry_id: int
    position: int
    url: str

    def perform(self, job: JobContext) -> dict:
        if TimelineImage.objects.filter(entry_id=self.entry_id, position=self.position).exists():
            return {}
        content_type, data = client.fetch_file(self.url, max_bytes=TimelineImage.MAX_BYTES)
        if content_type not in IMAGE_TYPES:
            raise Failed(f"{self.url} is {content_type}, not an image the page shows")
        return {"content_type": content_type, "data": base64.b64encode(data).decode()}

    def record(self, job: JobContext, result: dict) -> None:
        entry = TimelineEvent.objects.filter(pk=self.entry_id).first()
        if entry is None or "data" not in result:
            return  # removed from the timeline since
        keep_timeline_image(
            entry,
            position=self.position,
            content_type=result["content_type"],
            data=base64.b64decode(result["data"]),
        )
