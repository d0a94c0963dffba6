"""Kinds of Slack work for the channel's life: its call link (posted, pinned, bookmarked),
archiving it some hours after the incident is resolved, and unarchiving it on reopen."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from response.core.models import Incident, Status
from response.engine.kinds import JobContext, Priority, job_kind
from response.engine.queue import enqueue
from response.slack.blocks.channel_life import (
    render_archive_notice,
    render_call_posted,
    render_unarchived,
)
from response.slack.blocks.headline import incident_url
from response.slack.models import CommsChannel
from response.slack.outbound import client
from response.slack.outbound.calls import post_once
from response.slack.outbound.client import Permanent
from response.slack.outbound.places import incident_lane, sync_incident


def archive_key(incident_id: int) -> str:
    return f"archive:{incident_id}"


@job_kind("slack.archive_when_due", priority=Priority.BACKGROUND, transactional=True)
@dataclass(frozen=True)
class ArchiveWhenDue:
    """Due RESPONSE_ARCHIVE_AFTER_HOURS after the resolution, in a lane of its own (a job due
    later would hold up the incident's lane). When it is due and the incident is still
    resolved, the archiving joins the incident's lane, in order with its other Slack work."""

    incident_id: int

    def perform(self, job: JobContext) -> dict:
        resolved = Incident.objects.filter(pk=self.incident_id, status=Status.RESOLVED).exists()
        channel = CommsChannel.objects.filter(incident_id=self.incident_id).first()
        if not resolved or channel is None or channel.is_archived:
            return {"skipped": True}
        enqueue(
            ArchiveChannel(incident_id=self.incident_id),
            lane=incident_lane(self.incident_id),
            key=f"archive-channel:{self.incident_id}",
        )
        return {"queued": True}


@job_kind("slack.archive_channel")
@dataclass(frozen=True)
class ArchiveChannel:
    """A last message saying where the write-up is, then conversations.archive."""

    incident_id: int

    def perform(self, job: JobContext) -> dict:
        channel = CommsChannel.objects.filter(incident_id=self.incident_id).first()
        resolved = Incident.objects.filter(pk=self.incident_id, status=Status.RESOLVED).exists()
        if channel is None or channel.is_archived or not resolved:
            return {}  # reopened since it was due
        url = incident_url(self.incident_id, site_url=settings.SITE_URL)
        try:
            post_once(
                job,
                channel=channel.channel_id,
                text=render_archive_notice(self.incident_id, url=url),
            )
            client.call("conversations.archive", channel=channel.channel_id)
        except Permanent as error:
            # Archived already (by someone in Slack, or by our first try, its answer lost).
            if error.error not in {"already_archived", "is_archived"}:
                raise
        return {"archived": channel.channel_id}

    def record(self, job: JobContext, result: dict) -> None:
        if "archived" in result:
            CommsChannel.objects.filter(channel_id=result["archived"]).update(is_archived=True)


@job_kind("slack.unarchive_channel")
@dataclass(frozen=True)
class UnarchiveChannel:
    """The incident was reopened: its channel comes back from the archive, and says why."""

    incident_id: int

    def perform(self, job: JobContext) -> dict:
        channel = CommsChannel.objects.filter(incident_id=self.incident_id).first()
        if channel is None or not channel.is_archived:
            return {}
        try:
            client.call("conversations.unarchive", channel=channel.channel_id)
        except Permanent as error:
            if error.error != "not_archived":  # unarchived in Slack, or by our first try
                raise
        post_once(job, channel=channel.channel_id, text=render_unarchived(self.incident_id))
        return {"unarchived": channel.channel_id}

    def record(self, job: JobContext, result: dict) -> None:
        if "unarchived" in result:
            CommsChannel.objects.filter(channel_id=result["unarchived"]).update(is_archived=False)
            sync_incident(self.incident_id)  # the topic and bookmark missed while archived


@job_kind("slack.call_link")
@dataclass(frozen=True)
class PostCallLink:
    """The call link in the channel: posted, pinned and bookmarked, once per link."""

    incident_id: int
    url: str

    def perform(self, job: JobContext) -> dict:
        channel = CommsChannel.objects.filter(incident_id=self.incident_id).first()
        if channel is None or channel.is_archived:
            return {}
        if channel.call_url == self.url:
            return {"same": True}
        posted = post_once(job, channel=channel.channel_id, text=render_call_posted(self.url))
        try:
            client.call("pins.add", channel=channel.channel_id, timestamp=posted["ts"])
        except Permanent as error:
            if error.error != "already_pinned":
                raise
        if not (job.attempts > 1 and self._bookmarked(channel.channel_id)):
            client.call(
                "bookmarks.add",
                channel_id=channel.channel_id,
                title="Call",
                type="link",
                link=self.url,
                emoji=":telephone_receiver:",
            )
        return {"channel": channel.channel_id}

    def _bookmarked(self, channel_id: str) -> bool:
        bookmarks = client.call("bookmarks.list", channel_id=channel_id).get("bookmarks") or []
        return any(b.get("link") == self.url for b in bookmarks)

    def record(self, job: JobContext, result: dict) -> None:
        if "channel" in result:
            CommsChannel.objects.filter(channel_id=result["channel"]).update(call_url=self.url)
            sync_incident(self.incident_id)  # the headline shows the call
