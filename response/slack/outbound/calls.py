"""Kinds of Slack work that post, react and ask: what the worker does for each outbox entry.

Each is a typed job (response.engine.kinds): `perform` talks to Slack outside any transaction;
`record`, when present, stores what Slack answered in the transaction that marks the job done.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from response.core.models import ExternalUser, Incident
from response.core.selectors import open_incidents
from response.core.verbs import update_external_user_profile
from response.engine.kinds import Failed, JobContext, Priority, job_kind
from response.engine.queue import enqueue
from response.slack.blocks.home import render_home
from response.slack.blocks.messages import render_declaration_confirmation
from response.slack.models import CommsChannel, HeadlinePost
from response.slack.outbound import client
from response.slack.outbound.client import Permanent
from response.slack.outbound.identity import remember_identity
from response.slack.selectors import comms_channel_id, incident_data, incidents_for_display


def load_incident(incident_id: int) -> Incident:
    """The incident with everything the renderers show, in one query."""
    incident = incidents_for_display().filter(pk=incident_id).first()
    if incident is None:
        raise Failed(f"incident {incident_id} does not exist")
    return incident


def channel_or_fail(incident_id: int) -> str:
    """The id of the incident's comms channel."""
    channel_id = comms_channel_id(incident_id)
    if channel_id is None:
        raise Failed(f"incident {incident_id} has no comms channel")
    return channel_id


def message_args(channel: str, text: str, blocks: list | None, **more) -> dict:
    args = {"channel": channel, "text": text, **{k: v for k, v in more.items() if v}}
    if blocks:
        args["blocks"] = blocks
    return args


# Every message Response posts carries the id of the job that posts it, so that a retry can tell
# whether the first try arrived (Slack has no idempotency key: an answer lost on the way, or a
# worker killed before it recorded the answer, leaves a posted message the job doesn't know of).
POSTED_BY = "response_job"
LOOK_BACK_SECONDS = 120  # how far before the job's creation its message can be (clock skew)


def post_once(job: JobContext, **args) -> dict:
    """chat.postMessage, exactly once: a retry first looks for the message its earlier try may
    have posted, and adopts it."""
    if job.attempts > 1 and (found := find_posted(job, args["channel"], args.get("thread_ts"))):
        return found
    metadata = {"event_type": POSTED_BY, "event_payload": {"job": job.id}}
    return client.call("chat.postMessage", metadata=metadata, **args)


def find_posted(job: JobContext, channel: str, thread_ts: str | None) -> dict | None:
    oldest = f"{job.created_at.timestamp() - LOOK_BACK_SECONDS:.6f}"
    look = {"channel": channel, "oldest": oldest, "include_all_metadata": True, "limit": 200}
    if thread_ts:
        page = client.call("conversations.replies", ts=thread_ts, **look)
    else:
        page = client.call("conversations.history", **look)
    for message in page.get("messages", []):
        metadata = message.get("metadata") or {}
        if metadata.get("event_type") == POSTED_BY and (
            (metadata.get("event_payload") or {}).get("job") == job.id
        ):
            return {"ts": message["ts"], "channel": channel, "adopted": True}
    return None


@job_kind("slack.call")
@dataclass(frozen=True)
class Call:
    """Any Web API method; Slack error codes in `ok_errors` count as success (already_reacted)."""

    method: str
    args: dict
    ok_errors: list[str]

    def perform(self, job: JobContext) -> dict:
        try:
            answer = client.call(self.method, **self.args)
        except Permanent as error:
            if error.error in self.ok_errors:
                return {"ok": True, "ignored": error.error}
            raise
        return {"ts": answer["ts"]} if answer.get("ts") else {}


@job_kind("slack.post")
@dataclass(frozen=True)
class PostMessage:
    channel: str
    text: str
    blocks: list | None = None
    thread_ts: str | None = None

    def perform(self, job: JobContext) -> dict:
        args = message_args(self.channel, self.text, self.blocks, thread_ts=self.thread_ts)
        return {"ts": post_once(job, **args).get("ts")}


@job_kind("slack.ephemeral")
@dataclass(frozen=True)
class PostEphemeral:
    channel: str
    user: str
    text: str
    blocks: list | None = None

    def perform(self, job: JobContext) -> dict:
        args = message_args(self.channel, self.text, self.blocks, user=self.user)
        try:
            return {"ts": client.call("chat.postEphemeral", **args).get("message_ts")}
        except Permanent as error:
            if error.error != "user_not_in_channel":
                raise
            return {"not_in_channel": True}

    def record(self, job: JobContext, result: dict) -> None:
        # A note for someone who is not in the channel (they clicked a post shared elsewhere)
        # cannot be shown there: it goes to them directly instead of being parked.
        if result.get("not_in_channel"):
            enqueue(
                DirectMessage(user_id=self.user, text=self.text, blocks=self.blocks),
                lane=f"dm:{self.user}",
            )


@job_kind("slack.reaction")
@dataclass(frozen=True)
class AddReaction:
    channel: str
    ts: str
    name: str

    def perform(self, job: JobContext) -> dict:
        try:
            client.call("reactions.add", channel=self.channel, timestamp=self.ts, name=self.name)
        except Permanent as error:
            if error.error in {"already_reacted", "message_not_found"}:
                return {"ignored": error.error}
            raise
        return {}


@job_kind("slack.comms_message")
@dataclass(frozen=True)
class CommsMessage:
    """A message for the incident's comms channel (found when sent: it may not exist yet)."""

    incident_id: int
    text: str
    blocks: list | None = None

    def perform(self, job: JobContext) -> dict:
        args = message_args(channel_or_fail(self.incident_id), self.text, self.blocks)
        try:
            return {"ts": post_once(job, **args).get("ts")}
        except Permanent as error:
            if error.error != "is_archived":
                raise
            # Archived after resolution: what it says (a follow-up recorded on the web) is on
            # the incident page; the channel is not reopened for it.
            return {"dropped": "is_archived"}


@job_kind("slack.headline_reply")
@dataclass(frozen=True)
class HeadlineReply:
    incident_id: int
    text: str

    def perform(self, job: JobContext) -> dict:
        post = HeadlinePost.objects.filter(
            incident_id=self.incident_id, hidden=False, incident__is_private=False
        ).first()
        if post is None:
            return {}  # private (now), or never posted: nothing to reply to
        answer = post_once(job, channel=post.channel_id, thread_ts=post.message_ts, text=self.text)
        return {"ts": answer.get("ts")}


@job_kind("slack.dm")
@dataclass(frozen=True)
class DirectMessage:
    user_id: str
    text: str
    blocks: list | None = None

    def perform(self, job: JobContext) -> dict:
        opened = client.call("conversations.open", users=self.user_id)
        args = message_args(opened["channel"]["id"], self.text, self.blocks)
        return {"ts": post_once(job, **args).get("ts")}


@job_kind("slack.confirm_declaration")
@dataclass(frozen=True)
class ConfirmDeclaration:
    """Tell the person who declared where the incident lives now."""

    incident_id: int
    user_id: str
    channel_id: str | None = None

    def perform(self, job: JobContext) -> dict:
        incident = load_incident(self.incident_id)
        post = HeadlinePost.objects.filter(incident=incident).first()
        permalink = None
        if post is not None:
            permalink = client.call(
                "chat.getPermalink", channel=post.channel_id, message_ts=post.message_ts
            ).get("permalink")
        channel = CommsChannel.objects.filter(incident=incident).first()
        text, blocks = render_declaration_confirmation(
            incident_data(incident, with_plugin_buttons=False),
            headline_permalink=permalink,
            channel_id=channel.channel_id if channel else None,
            site_url=settings.SITE_URL,
        )
        try:
            if not self.channel_id:
                raise Permanent("chat.postEphemeral", "channel_not_found")
            client.call(
                "chat.postEphemeral",
                channel=self.channel_id,
                user=self.user_id,
                text=text,
                blocks=blocks,
            )
        except Permanent:
            # Not a channel we can post in (a DM with someone else, say): tell them directly.
            opened = client.call("conversations.open", users=self.user_id)
            post_once(job, channel=opened["channel"]["id"], text=text, blocks=blocks)
        return {"confirmed": self.user_id}


# Someone opened their Home tab and is looking at it.
@job_kind("slack.publish_home", priority=Priority.VISIBLE)
@dataclass(frozen=True)
class PublishHome:
    user_id: str

    def perform(self, job: JobContext) -> dict:
        incidents = [
            incident_data(i, with_plugin_buttons=False)
            for i in open_incidents()
            .select_related("reporter", "comms_channel", "severity", "lead")
            .filter(is_private=False)[:40]
        ]
        view = render_home(
            incidents, site_url=settings.SITE_URL, now_ts=int(timezone.now().timestamp())
        )
        client.call("views.publish", user_id=self.user_id, view=view)
        return {"published": len(incidents)}


@job_kind("slack.fetch_profile", priority=Priority.BACKGROUND)
@dataclass(frozen=True)
class FetchProfile:
    user_id: str

    def perform(self, job: JobContext) -> dict:
        info = client.call("users.info", user=self.user_id).get("user") or {}
        profile = info.get("profile") or {}
        return {
            "display_name": profile.get("display_name") or info.get("name") or "",
            "full_name": profile.get("real_name") or info.get("real_name") or "",
            "email": profile.get("email") or "",
            "time_zone": info.get("tz") or "",
            "is_bot": bool(info.get("is_bot")),
            "is_deleted": bool(info.get("deleted")),
        }

    def record(self, job: JobContext, result: dict) -> None:
        user = ExternalUser.objects.filter(external_id=self.user_id, app="slack").first()
        if user is not None:
            update_external_user_profile(user, **result)


@job_kind("slack.auth_test", priority=Priority.BACKGROUND)
@dataclass(frozen=True)
class LearnIdentity:
    """Ask Slack who the bot is (auth.test), once; remembered in SlackCache."""

    def perform(self, job: JobContext) -> dict:
        answer = client.call("auth.test")
        return {k: answer.get(k) for k in ("user_id", "bot_id", "team_id", "team", "url", "user")}

    def record(self, job: JobContext, result: dict) -> None:
        remember_identity(result)
