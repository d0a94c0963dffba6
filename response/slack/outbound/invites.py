"""Getting the right people in: the members of Slack user groups (by severity, from
RESPONSE_AUTO_INVITE; the teams owning the affected services; or named in `@Response invite`)
and people named, invited to the incident's channel. The members are invited, never the group
mention: nobody outside the channel is pinged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings

from response.core.models import Incident, Service
from response.engine.kinds import JobContext, job_kind
from response.engine.queue import enqueue
from response.slack.blocks.text import escape, mention
from response.slack.models import CommsChannel
from response.slack.outbound import client
from response.slack.outbound.calls import CommsMessage, PostEphemeral
from response.slack.outbound.client import Permanent
from response.slack.outbound.identity import bot_user_id
from response.slack.outbound.places import incident_lane

# Slack's own answers to an invitation that has nothing left to do.
NOTHING_TO_DO = {"already_in_channel", "cant_invite_self"}


def groups_for_severity(severity_slug: str | None) -> list[str]:
    """The user group handles RESPONSE_AUTO_INVITE names for this severity."""
    return list(settings.RESPONSE_AUTO_INVITE.get(severity_slug or "", []))


def invite_severity_groups(incident: Incident) -> None:
    """Queue the invitation of the groups configured for the incident's severity (no query, and
    no job, when none are)."""
    severity = incident.severity
    handles = groups_for_severity(severity.slug if severity else None)
    if severity is None or not handles:
        return
    enqueue(
        InviteGroups(
            incident_id=incident.pk,
            groups=handles,
            reason=f"for {escape(severity.name.lower())} incidents",
            once=True,
        ),
        lane=incident_lane(incident.pk),
    )


def invite_service_teams(incident_id: int, service_ids: Iterable[int]) -> None:
    """Queue the invitation of the user groups of the teams owning these services, each group
    once per channel (no job when none of them has a group)."""
    ids = list(service_ids)
    if not ids:
        return
    services = [
        s
        for s in Service.objects.filter(pk__in=ids).select_related("team").order_by("name")
        if s.team is not None and s.team.usergroup
    ]
    if not services:
        return
    names = ", ".join(s.name for s in services)
    noun = "services" if len(services) > 1 else "service"
    enqueue(
        InviteGroups(
            incident_id=incident_id,
            groups=sorted({s.team.usergroup for s in services if s.team is not None}),
            reason=f"for the affected {noun} {escape(names)}",
            once=True,
        ),
        lane=incident_lane(incident_id),
    )


def invite_on_request(
    incident_id: int, *, groups: list[str], user_ids: list[str], requested_by: str
) -> None:
    """`@Response invite @group @person`: invited now, whoever was invited before."""
    enqueue(
        InviteGroups(
            incident_id=incident_id,
            groups=groups,
            user_ids=user_ids,
            reason=f"asked by {mention(requested_by)}",
            requested_by=requested_by,
        ),
        lane=incident_lane(incident_id),
    )


@job_kind("slack.invite_groups")
@dataclass(frozen=True)
class InviteGroups:
    """Invite the members of user groups (by handle, or id `S…`) and people to the channel.
    `once`: a group whose members were invited to this channel before is left alone (the
    severity went critical, back to major, and critical again)."""

    incident_id: int
    groups: list[str]
    reason: str  # mrkdwn, already escaped: "for critical incidents", "asked by <@U…>"
    user_ids: list[str] = field(default_factory=list)
    requested_by: str | None = None
    once: bool = False

    def perform(self, job: JobContext) -> dict:
        channel = CommsChannel.objects.filter(incident_id=self.incident_id).first()
        if channel is None or channel.is_archived:
            return {"skipped": "no open channel"}
        wanted = [g for g in self.groups if not (self.once and g in channel.invited_groups)]
        if not wanted and not self.user_ids:
            return {"skipped": "invited before"}
        found, unknown = resolve_groups(wanted) if wanted else ({}, [])
        if self.once:  # a group named by its id (S…) is remembered by its handle
            found = {h: i for h, i in found.items() if h not in channel.invited_groups}
        members_by_group = {handle: group_members(group_id) for handle, group_id in found.items()}
        bot = bot_user_id()
        people = {u for users in members_by_group.values() for u in users} | set(self.user_ids)
        people.discard(bot)
        present = set(channel_members(channel.channel_id))
        newcomers = sorted(people - present)
        if newcomers:
            try:
                # force: invite everyone who can be, even if someone cannot (deactivated).
                client.call(
                    "conversations.invite",
                    channel=channel.channel_id,
                    users=",".join(newcomers),
                    force=True,
                )
            except Permanent as error:
                if error.error not in NOTHING_TO_DO:
                    raise
        if job.attempts > 1:
            # An earlier try may have invited them, its answer lost: they count as invited now.
            newcomers = sorted(people - {bot})
        return {
            "channel": channel.channel_id,
            "groups": sorted(found),
            "unknown": unknown,
            "invited": newcomers,
        }

    def record(self, job: JobContext, result: dict) -> None:
        if "channel" not in result:
            return
        channel = CommsChannel.objects.filter(channel_id=result["channel"]).first()
        if channel is not None and result["groups"]:
            invited = sorted(set(channel.invited_groups) | set(result["groups"]))
            if invited != sorted(channel.invited_groups):
                channel.invited_groups = invited
                channel.save(update_fields=["invited_groups"])
        lane = incident_lane(self.incident_id)
        text = invited_text(result["invited"], result["groups"], self.reason)
        if text:
            enqueue(CommsMessage(incident_id=self.incident_id, text=text), lane=lane)
        if self.requested_by and (result["unknown"] or not result["invited"]):
            enqueue(
                PostEphemeral(
                    channel=result["channel"],
                    user=self.requested_by,
                    text=not_invited_text(result["unknown"]),
                ),
                lane=lane,
            )


def invited_text(invited: list[str], groups: list[str], reason: str) -> str | None:
    """ "👥 Invited @a, @b (members of @sre) for critical incidents." """
    if not invited:
        return None
    people = ", ".join(mention(u) for u in invited)
    of_groups = f" (members of {', '.join(escape(f'@{g}') for g in groups)})" if groups else ""
    return f"👥 Invited {people}{of_groups}, {reason}."


def not_invited_text(unknown: list[str]) -> str:
    if unknown:
        names = ", ".join(escape(f"@{u}") for u in unknown)
        return f"⚠️ I found no user group {names}: check the handle in Slack's People & groups."
    return "👍 Everyone you named is already here."


def resolve_groups(groups: list[str]) -> tuple[dict[str, str], list[str]]:
    """({handle: group id}, handles unknown), from handles (`sre`, `@sre`) or ids (`S0SRE`)."""
    listed = client.call("usergroups.list").get("usergroups") or []
    by_handle = {g["handle"].lower(): g["id"] for g in listed if g.get("handle")}
    by_id = {g["id"]: g["handle"] for g in listed if g.get("handle")}
    found: dict[str, str] = {}
    unknown: list[str] = []
    for group in groups:
        name = group.lstrip("@")
        if name in by_id:
            found[by_id[name]] = name
        elif name.lower() in by_handle:
            found[name.lower()] = by_handle[name.lower()]
        else:
            unknown.append(name)
    return found, unknown


def group_members(group_id: str) -> list[str]:
    return list(client.call("usergroups.users.list", usergroup=group_id).get("users") or [])


def channel_members(channel_id: str) -> list[str]:
    members: list[str] = []
    cursor = None
    while True:
        page = client.call("conversations.members", channel=channel_id, limit=200, cursor=cursor)
        members += page.get("members") or []
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return members
