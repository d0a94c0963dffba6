"""Kinds of Slack work that keep an incident's places in Slack: its headline post in the
incidents channel, and its comms channel (created, named, topic and bookmark kept current,
people invited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone

from response.engine.kinds import Failed, JobContext, job_kind
from response.engine.queue import enqueue
from response.slack.blocks.headline import (
    headline_text,
    incident_url,
    render_headline,
    render_private_headline,
)
from response.slack.blocks.messages import render_welcome, topic_text
from response.slack.blocks.text import escape
from response.slack.models import CommsChannel, HeadlinePost
from response.slack.outbound import client
from response.slack.outbound.calls import (
    LOOK_BACK_SECONDS,
    CommsMessage,
    channel_or_fail,
    load_incident,
    post_once,
)
from response.slack.outbound.client import Permanent
from response.slack.outbound.declared_from import source_quote
from response.slack.outbound.identity import bot_user_id, find_channel_id, incidents_channel_id
from response.slack.outbound.naming import channel_name, clean_channel_name
from response.slack.selectors import forget_channels, incident_data, severity_choices

NAME_ATTEMPTS = 20
RENAME_REFUSALS = {
    "name_taken": "the name #{name} is already taken",
    "invalid_name_maxlength": "the name is too long (80 characters at most)",
    "invalid_name": "#{name} is not a valid channel name",
    "invalid_name_specials": "#{name} is not a valid channel name",
}


def incident_lane(incident_id: int) -> str:
    """An incident's Slack work runs in this lane, in order: its channel, headline, messages."""
    return f"incident:{incident_id}"


# A change shows on the headline and the topic this much later, so that the changes of a busy
# moment share one edit (Slack allows an app about one chat.update per second per channel).
SYNC_DEBOUNCE = timedelta(seconds=1)


def sync_incident(incident_id: int, *, debounce: bool = False) -> None:
    """Bring the headline post, and the channel topic and bookmark, up to date: once for all
    the changes made until it runs (a pending sync takes them all)."""
    at = timezone.now() + SYNC_DEBOUNCE if debounce else None
    enqueue(
        SyncIncident(incident_id=incident_id),
        lane=incident_lane(incident_id),
        key=f"sync:{incident_id}",
        at=at,
    )


@job_kind("slack.sync_incident")
@dataclass(frozen=True)
class SyncIncident:
    """Bring what Slack shows of the incident up to date, from its state when this runs: the
    headline post (posted the first time), and the comms channel's topic and bookmark. Keyed:
    one sync takes all the changes made before it runs."""

    incident_id: int

    def perform(self, job: JobContext) -> dict:
        incident = load_incident(self.incident_id)
        data = incident_data(incident, with_roles=True, with_services=True)
        done: dict = {}
        post = getattr(incident, "headline_post", None)
        if not incident.is_private:
            done.update(self._headline(job, incident, data))
        elif post is not None and not post.hidden:
            # Made private after it was announced: the post says only that, from now on.
            text, blocks = render_private_headline(incident.pk)
            client.call(
                "chat.update", channel=post.channel_id, ts=post.message_ts, text=text, blocks=blocks
            )
            done["hidden"] = True
        channel = getattr(incident, "comms_channel", None)
        # An archived channel's topic and bookmarks cannot change (unarchived, it is synced).
        if (
            channel is not None
            and channel.is_private == incident.is_private
            and not channel.is_archived
        ):
            done.update(self._channel(job, incident, channel, data))
        return done

    def _headline(self, job: JobContext, incident, data) -> dict:
        blocks = render_headline(data, site_url=settings.SITE_URL)
        text = headline_text(data)
        post = getattr(incident, "headline_post", None)
        if post is not None:
            client.call(
                "chat.update", channel=post.channel_id, ts=post.message_ts, text=text, blocks=blocks
            )
            updated = {"updated": post.message_ts}
            # Public again after it was hidden: remember that it shows the incident once more.
            return {**updated, "hidden": False} if post.hidden else updated
        channel_id = incidents_channel_id(report_only=incident.is_report_only)
        answer = post_once(job, channel=channel_id, text=text, blocks=blocks, unfurl_links=False)
        return {"posted": answer["ts"], "headline_channel": channel_id}

    def _channel(self, job: JobContext, incident, channel: CommsChannel, data) -> dict:
        url = incident_url(incident.pk, site_url=settings.SITE_URL)
        done: dict = {"channel": channel.channel_id}
        topic = topic_text(data, url=url)
        if channel.topic != topic:
            client.call("conversations.setTopic", channel=channel.channel_id, topic=topic)
            done["topic"] = topic
        bookmark: str | None = channel.bookmark_id
        if not bookmark and job.attempts > 1:
            bookmark = _bookmark_to(channel.channel_id, url)  # added before, its answer lost?
        if not bookmark:
            answer = client.call(
                "bookmarks.add",
                channel_id=channel.channel_id,
                title="Incident page",
                type="link",
                link=url,
            )
            bookmark = (answer.get("bookmark") or {}).get("id", "added")
        if bookmark != channel.bookmark_id:
            done["bookmark_id"] = bookmark
        return done

    def record(self, job: JobContext, result: dict) -> None:
        if "posted" in result:
            HeadlinePost.objects.get_or_create(
                incident_id=self.incident_id,
                defaults={"channel_id": result["headline_channel"], "message_ts": result["posted"]},
            )
        if "hidden" in result:
            HeadlinePost.objects.filter(incident_id=self.incident_id).update(
                hidden=result["hidden"]
            )
        changes = {k: result[k] for k in ("topic", "bookmark_id") if k in result}
        if changes:
            CommsChannel.objects.filter(channel_id=result["channel"]).update(**changes)


@job_kind("slack.create_channel")
@dataclass(frozen=True)
class CreateChannel:
    incident_id: int
    requested_by: str | None = None

    def perform(self, job: JobContext) -> dict:
        incident = load_incident(self.incident_id)
        if (existing := CommsChannel.objects.filter(incident=incident).first()) is not None:
            return {"exists": existing.channel_id}
        template = settings.RESPONSE_CHANNEL_NAME_TEMPLATE
        for attempt in range(NAME_ATTEMPTS):
            name = channel_name(incident.pk, incident.title, template=template, attempt=attempt)
            try:
                channel = client.call(
                    "conversations.create", name=name, is_private=incident.is_private
                )["channel"]
                break
            except Permanent as error:
                if error.error != "name_taken":
                    raise
                # An earlier try may have created it, its answer lost: then it is ours.
                if job.attempts > 1 and (channel := _created_earlier(name, job)):
                    break
        else:
            raise Failed(f"no free channel name for incident {incident.pk}")
        return {"created": channel["id"], "name": channel.get("name", name)}

    def record(self, job: JobContext, result: dict) -> None:
        if "created" not in result:
            return
        incident = load_incident(self.incident_id)
        try:
            CommsChannel.objects.create(
                incident=incident,
                channel_id=result["created"],
                name=result["name"],
                is_private=incident.is_private,
            )
        except IntegrityError:
            return
        # Follow-ups, in this order, after the headline job already queued for this incident.
        people = [u.external_id for u in (incident.reporter, incident.lead) if u and not u.is_bot]
        if self.requested_by:
            people.append(self.requested_by)
        lane = incident_lane(incident.pk)
        if people:
            enqueue(Invite(incident_id=incident.pk, user_ids=sorted(set(people))), lane=lane)
        sync_incident(incident.pk)
        if (quote := source_quote(incident)) is not None:  # declared from a message: quote it
            enqueue(
                CommsMessage(incident_id=incident.pk, text=quote[0], blocks=quote[1]), lane=lane
            )
        data = incident_data(incident, with_plugin_buttons=False)
        text, blocks = render_welcome(
            data, site_url=settings.SITE_URL, severities=severity_choices()
        )
        enqueue(CommsMessage(incident_id=incident.pk, text=text, blocks=blocks), lane=lane)


@job_kind("slack.invite")
@dataclass(frozen=True)
class Invite:
    incident_id: int
    user_ids: list[str]

    def perform(self, job: JobContext) -> dict:
        channel_id = channel_or_fail(self.incident_id)
        bot_id = bot_user_id()
        users = [u for u in self.user_ids if u and u != bot_id]
        if users:
            try:
                # force: invite everyone who can be invited, even if someone cannot (deactivated).
                client.call(
                    "conversations.invite",
                    channel=channel_id,
                    users=",".join(users),
                    force=True,
                )
            except Permanent as error:
                # is_archived: a lead named on the web after the channel was archived.
                if error.error not in {"already_in_channel", "cant_invite_self", "is_archived"}:
                    raise
        return {"invited": users}


def _created_earlier(name: str, job: JobContext) -> dict | None:
    """The channel of this name, if our bot created it since this job was queued and no
    incident has it yet."""
    channel_id = find_channel_id(name)
    if channel_id is None:
        return None
    channel = client.call("conversations.info", channel=channel_id).get("channel") or {}
    created = float(channel.get("created") or 0)
    if (
        channel.get("creator") == bot_user_id()
        and created >= job.created_at.timestamp() - LOOK_BACK_SECONDS
        and not CommsChannel.objects.filter(channel_id=channel_id).exists()
    ):
        return channel
    return None


def _bookmark_to(channel_id: str, url: str) -> str | None:
    bookmarks = client.call("bookmarks.list", channel_id=channel_id).get("bookmarks") or []
    return next((b["id"] for b in bookmarks if b.get("link") == url), None)


@job_kind("slack.move_to_private_channel")
@dataclass(frozen=True)
class MoveToPrivateChannel:
    """An incident made private keeps no public channel: Slack cannot make a public channel
    private, so its people move to a new private one, and the old one is archived with a last
    message saying so."""

    incident_id: int
    requested_by: str | None = None

    def perform(self, job: JobContext) -> dict:
        incident = load_incident(self.incident_id)
        old = getattr(incident, "comms_channel", None)
        if old is None or old.is_private or not incident.is_private:
            return {}
        new = self._private_channel(job, incident, old.name)
        members = self._members(old.channel_id)
        bot = bot_user_id()
        people = sorted({m for m in members if m != bot} | set(filter(None, [self.requested_by])))
        if people:
            try:
                client.call(
                    "conversations.invite", channel=new["id"], users=",".join(people), force=True
                )
            except Permanent as error:
                if error.error not in {"already_in_channel", "cant_invite_self"}:
                    raise
        if not old.is_archived:  # archived after resolution: it can say nothing more
            post_once(
                job,
                channel=old.channel_id,
                text=(
                    "🔒 This incident is private now. Its conversation goes on in a private "
                    "channel (everyone here was invited); this channel is archived."
                ),
            )
            try:
                client.call("conversations.archive", channel=old.channel_id)
            except Permanent as error:
                if error.error != "already_archived":
                    raise
        return {"old": old.channel_id, "created": new["id"], "name": new.get("name", "")}

    def _private_channel(self, job: JobContext, incident, old_name: str) -> dict:
        for attempt in range(NAME_ATTEMPTS):
            name = clean_channel_name(
                f"{old_name}-private" + (f"-{attempt + 1}" if attempt else "")
            )
            try:
                return client.call("conversations.create", name=name, is_private=True)["channel"]
            except Permanent as error:
                if error.error != "name_taken":
                    raise
                if job.attempts > 1 and (channel := _created_earlier(name, job)):
                    return channel
        raise Failed(f"no free channel name for incident {incident.pk}'s private channel")

    @staticmethod
    def _members(channel_id: str) -> list[str]:
        members: list[str] = []
        cursor = None
        while True:
            page = client.call(
                "conversations.members", channel=channel_id, limit=200, cursor=cursor
            )
            members += page.get("members") or []
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return members

    def record(self, job: JobContext, result: dict) -> None:
        if "created" not in result:
            return
        CommsChannel.objects.filter(channel_id=result["old"]).update(
            channel_id=result["created"],
            name=result["name"],
            is_private=True,
            topic="",
            bookmark_id="",
            is_archived=False,
        )
        forget_channels()  # this process remembered the old channel as the incident's
        sync_incident(self.incident_id)
        enqueue(
            CommsMessage(
                incident_id=self.incident_id,
                text="🔒 This is the incident's private channel now; the old one is archived.",
            ),
            lane=incident_lane(self.incident_id),
        )


@job_kind("slack.rename_channel")
@dataclass(frozen=True)
class RenameChannel:
    incident_id: int
    name: str
    requested_by: str

    def perform(self, job: JobContext) -> dict:
        channel_id = channel_or_fail(self.incident_id)
        try:
            answer = client.call("conversations.rename", channel=channel_id, name=self.name)
        except Permanent as error:
            if error.error not in RENAME_REFUSALS:
                raise
            reason = RENAME_REFUSALS[error.error].format(name=escape(self.name))
            client.call(
                "chat.postEphemeral",
                channel=channel_id,
                user=self.requested_by,
                text=f"⚠️ I couldn't rename the channel: {reason}.",
            )
            return {"refused": error.error}
        return {"renamed": answer["channel"]["name"], "channel": channel_id}

    def record(self, job: JobContext, result: dict) -> None:
        if "renamed" in result:
            CommsChannel.objects.filter(channel_id=result["channel"]).update(name=result["renamed"])
