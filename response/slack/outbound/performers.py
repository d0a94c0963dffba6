"""The worker's side of the outbox: each job kind, performed against the Slack Web API.

No job runs inside a database transaction while it talks to Slack; each reads what it needs,
calls Slack, then records the outcome.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone

from response.core.models import Incident
from response.core.verbs import update_external_user_profile
from response.slack.blocks.headline import headline_text, incident_url, render_headline
from response.slack.blocks.home import render_home
from response.slack.blocks.messages import (
    render_declaration_confirmation,
    render_welcome,
    topic_text,
)
from response.slack.jobs import Failed, job_kind
from response.slack.models import CommsChannel, HeadlinePost, Job, SlackCache
from response.slack.outbound import client
from response.slack.outbound.client import Permanent
from response.slack.outbound.naming import channel_name
from response.slack.outbound.outbox import (
    incident_lane,
    invite_to_incident_channel,
    post_to_incident_channel,
    sync_incident,
)
from response.slack.selectors import incident_data

logger = logging.getLogger(__name__)

CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")
NAME_ATTEMPTS = 20


def cache_get(key: str) -> dict | None:
    entry = SlackCache.objects.filter(key=key).first()
    return entry.value if entry else None


def cache_set(key: str, value: dict) -> None:
    SlackCache.objects.update_or_create(
        key=key, defaults={"value": value, "updated_at": timezone.now()}
    )


def load_incident(job: Job) -> Incident:
    incident = (
        Incident.objects.select_related("severity", "lead", "reporter")
        .filter(pk=job.payload["incident_id"])
        .first()
    )
    if incident is None:
        raise Failed(f"incident {job.payload['incident_id']} does not exist")
    return incident


@job_kind("call")
def perform_call(job: Job) -> dict:
    payload = job.payload
    try:
        answer = client.call(payload["method"], **payload["args"])
    except Permanent as error:
        if error.error in payload.get("ok_errors", []):
            return {"ok": True, "ignored": error.error}
        raise
    return {"ts": answer.get("ts")} if answer.get("ts") else {}


def incidents_channel_id(*, report_only: bool = False) -> str:
    """The id of RESPONSE_INCIDENT_CHANNEL (or RESPONSE_REPORT_CHANNEL for report-only
    incidents), a name or an id, found once and remembered; the channel is created if it does
    not exist, and the bot joins it."""
    configured = (
        settings.RESPONSE_REPORT_CHANNEL
        if report_only and settings.RESPONSE_REPORT_CHANNEL
        else settings.RESPONSE_INCIDENT_CHANNEL
    ).lstrip("#")
    if CHANNEL_ID.match(configured):
        return configured
    cache_key = f"channel-id:{configured}"
    if cached := cache_get(cache_key):
        return cached["id"]
    channel_id = find_channel_id(configured)
    if channel_id is None:
        channel_id = client.call("conversations.create", name=configured)["channel"]["id"]
    else:
        client.call("conversations.join", channel=channel_id)
    cache_set(cache_key, {"id": channel_id})
    return channel_id


def find_channel_id(name: str) -> str | None:
    cursor = None
    while True:
        page = client.call(
            "conversations.list",
            types="public_channel,private_channel",
            exclude_archived=True,
            limit=200,
            cursor=cursor,
        )
        for channel in page.get("channels", []):
            if channel.get("name") == name:
                return channel["id"]
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None


@job_kind("sync_headline")
def perform_sync_headline(job: Job) -> dict | None:
    incident = load_incident(job)
    if incident.is_private:
        return None  # private incidents are not announced
    data = incident_data(incident)
    blocks = render_headline(data, site_url=settings.SITE_URL)
    text = headline_text(data)
    post = HeadlinePost.objects.filter(incident=incident).first()
    if post is not None:
        client.call(
            "chat.update", channel=post.channel_id, ts=post.message_ts, text=text, blocks=blocks
        )
        return {"updated": post.message_ts}
    channel_id = incidents_channel_id(report_only=incident.is_report_only)
    answer = client.call(
        "chat.postMessage", channel=channel_id, text=text, blocks=blocks, unfurl_links=False
    )
    HeadlinePost.objects.create(incident=incident, channel_id=channel_id, message_ts=answer["ts"])
    return {"posted": answer["ts"]}


@job_kind("create_channel")
def perform_create_channel(job: Job) -> dict | None:
    incident = load_incident(job)
    if (existing := CommsChannel.objects.filter(incident=incident).first()) is not None:
        return {"exists": existing.channel_id}
    template = getattr(settings, "RESPONSE_CHANNEL_NAME_TEMPLATE", "inc-{id}-{slug}")
    for attempt in range(NAME_ATTEMPTS):
        name = channel_name(incident.pk, incident.title, template=template, attempt=attempt)
        try:
            answer = client.call("conversations.create", name=name, is_private=incident.is_private)
            break
        except Permanent as error:
            if error.error != "name_taken":
                raise
    else:
        raise Failed(f"no free channel name for incident {incident.pk}")
    channel = answer["channel"]
    try:
        CommsChannel.objects.create(
            incident=incident,
            channel_id=channel["id"],
            name=channel.get("name", name),
            is_private=incident.is_private,
        )
    except IntegrityError:
        return {"exists": True}
    # Follow-ups, in this order, after the headline job already queued for this incident.
    people = [u.external_id for u in (incident.reporter, incident.lead) if u and not u.is_bot]
    if job.payload.get("requested_by"):
        people.append(job.payload["requested_by"])
    if people:
        invite_to_incident_channel(incident.pk, sorted(set(people)))
    sync_incident(incident.pk)
    data = incident_data(incident, with_plugin_buttons=False)
    welcome_text, welcome_blocks = render_welcome(
        data, site_url=settings.SITE_URL, commands=command_help()
    )
    post_to_incident_channel(incident.pk, text=welcome_text, blocks=welcome_blocks)
    return {"created": channel["id"]}


def command_help() -> list[tuple[str, str]]:
    from response.slack.decorators import INCIDENT_COMMANDS

    seen, rows = set(), []
    for _, spec in INCIDENT_COMMANDS.items():
        if spec.names in seen:
            continue
        seen.add(spec.names)
        rows.append((" / ".join(spec.names), spec.helptext))
    return rows


def channel_or_fail(incident_id: int) -> CommsChannel:
    channel = CommsChannel.objects.filter(incident_id=incident_id).first()
    if channel is None:
        raise Failed(f"incident {incident_id} has no comms channel")
    return channel


@job_kind("invite")
def perform_invite(job: Job) -> dict:
    channel = channel_or_fail(job.payload["incident_id"])
    bot_id = bot_user_id()
    users = [u for u in job.payload["user_ids"] if u and u != bot_id]
    if users:
        try:
            # force: invite everyone who can be invited, even if someone cannot (deactivated).
            client.call(
                "conversations.invite",
                channel=channel.channel_id,
                users=",".join(users),
                force=True,
            )
        except Permanent as error:
            if error.error not in {"already_in_channel", "cant_invite_self"}:
                raise
    return {"invited": users}


@job_kind("sync_channel")
def perform_sync_channel(job: Job) -> dict | None:
    channel = CommsChannel.objects.filter(incident_id=job.payload["incident_id"]).first()
    if channel is None:
        return None
    incident = load_incident(job)
    data = incident_data(incident, with_plugin_buttons=False)
    url = incident_url(incident.pk, site_url=settings.SITE_URL)
    done = {}
    topic = topic_text(data, url=url)
    state = cache_get(f"channel-state:{channel.channel_id}") or {}
    if state.get("topic") != topic:
        client.call("conversations.setTopic", channel=channel.channel_id, topic=topic)
        state["topic"] = done["topic"] = topic
    if not state.get("bookmark_id"):
        answer = client.call(
            "bookmarks.add",
            channel_id=channel.channel_id,
            title="Incident page",
            type="link",
            link=url,
        )
        state["bookmark_id"] = done["bookmark"] = (answer.get("bookmark") or {}).get("id", "added")
    cache_set(f"channel-state:{channel.channel_id}", state)
    return done


@job_kind("comms_message")
def perform_comms_message(job: Job) -> dict:
    channel = channel_or_fail(job.payload["incident_id"])
    args = {"channel": channel.channel_id, "text": job.payload["text"]}
    if job.payload.get("blocks"):
        args["blocks"] = job.payload["blocks"]
    return {"ts": client.call("chat.postMessage", **args).get("ts")}


@job_kind("headline_reply")
def perform_headline_reply(job: Job) -> dict | None:
    post = HeadlinePost.objects.filter(incident_id=job.payload["incident_id"]).first()
    if post is None:
        return None  # private, or never posted: nothing to reply to
    answer = client.call(
        "chat.postMessage",
        channel=post.channel_id,
        thread_ts=post.message_ts,
        text=job.payload["text"],
    )
    return {"ts": answer.get("ts")}


@job_kind("dm")
def perform_dm(job: Job) -> dict:
    opened = client.call("conversations.open", users=job.payload["user_id"])
    args = {"channel": opened["channel"]["id"], "text": job.payload["text"]}
    if job.payload.get("blocks"):
        args["blocks"] = job.payload["blocks"]
    return {"ts": client.call("chat.postMessage", **args).get("ts")}


@job_kind("rename_channel")
def perform_rename_channel(job: Job) -> dict | None:
    channel = channel_or_fail(job.payload["incident_id"])
    name = job.payload["name"]
    try:
        answer = client.call("conversations.rename", channel=channel.channel_id, name=name)
    except Permanent as error:
        if error.error not in {
            "name_taken",
            "invalid_name",
            "invalid_name_specials",
            "invalid_name_maxlength",
        }:
            raise
        reason = {
            "name_taken": f"the name #{name} is already taken",
            "invalid_name_maxlength": "the name is too long (80 characters at most)",
        }.get(error.error, f"#{name} is not a valid channel name")
        client.call(
            "chat.postEphemeral",
            channel=channel.channel_id,
            user=job.payload["requested_by"],
            text=f"⚠️ I couldn't rename the channel: {reason}.",
        )
        return {"refused": error.error}
    CommsChannel.objects.filter(pk=channel.pk).update(name=answer["channel"]["name"])
    return {"renamed": answer["channel"]["name"]}


@job_kind("confirm_declaration")
def perform_confirm_declaration(job: Job) -> dict | None:
    incident = load_incident(job)
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
    user_id = job.payload["user_id"]
    where = job.payload.get("channel_id")
    try:
        if not where:
            raise Permanent("chat.postEphemeral", "channel_not_found")
        client.call("chat.postEphemeral", channel=where, user=user_id, text=text, blocks=blocks)
    except Permanent:
        # Not a channel we can post in (a DM with someone else, say): tell them directly.
        opened = client.call("conversations.open", users=user_id)
        client.call("chat.postMessage", channel=opened["channel"]["id"], text=text, blocks=blocks)
    return {"confirmed": user_id}


@job_kind("publish_home")
def perform_publish_home(job: Job) -> dict:
    from response.core.selectors import open_incidents

    incidents = [
        incident_data(i, with_plugin_buttons=False)
        for i in open_incidents()
        .select_related("reporter", "comms_channel")
        .filter(is_private=False)[:40]
    ]
    view = render_home(
        incidents, site_url=settings.SITE_URL, now_ts=int(timezone.now().timestamp())
    )
    client.call("views.publish", user_id=job.payload["user_id"], view=view)
    return {"published": len(incidents)}


@job_kind("fetch_profile")
def perform_fetch_profile(job: Job) -> dict:
    from response.core.models import ExternalUser

    answer = client.call("users.info", user=job.payload["user_id"])
    info = answer.get("user") or {}
    profile = info.get("profile") or {}
    user = ExternalUser.objects.filter(external_id=job.payload["user_id"], app="slack").first()
    if user is None:
        return {}
    update_external_user_profile(
        user,
        display_name=profile.get("display_name") or info.get("name") or "",
        full_name=profile.get("real_name") or info.get("real_name") or "",
        email=profile.get("email") or "",
        time_zone=info.get("tz") or "",
        is_bot=bool(info.get("is_bot")),
        is_deleted=bool(info.get("deleted")),
    )
    return {"fetched": user.external_id}


def bot_user_id() -> str | None:
    auth = cache_get("auth")
    return auth.get("user_id") if auth else None


__all__ = ["incident_lane", "incidents_channel_id"]


@job_kind("auth_test")
def perform_auth_test(job: Job) -> dict:
    answer = client.call("auth.test")
    identity = {k: answer.get(k) for k in ("user_id", "bot_id", "team_id", "team", "url", "user")}
    cache_set("auth", identity)
    return identity
