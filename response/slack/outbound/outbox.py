"""What the rest of Response asks of Slack. Each function writes a job in the caller's
transaction and returns at once; the worker does the asking (response.slack.outbound.calls and
.places), in order per lane, retrying as needed.

Lanes: an incident's work runs in order (`incident:<id>`: its channel, its headline, its
messages); replies in a channel in order (`channel:<id>`); each person's DMs and App Home.
"""

from __future__ import annotations

from response.engine.queue import enqueue
from response.slack.outbound.calls import (
    AddReaction,
    Call,
    CommsMessage,
    ConfirmDeclaration,
    DirectMessage,
    FetchProfile,
    HeadlineReply,
    LearnIdentity,
    PostEphemeral,
    PostMessage,
    PublishHome,
)
from response.slack.outbound.places import (
    CreateChannel,
    Invite,
    MoveToPrivateChannel,
    RenameChannel,
    incident_lane,
)
from response.slack.outbound.places import sync_incident as sync_incident  # part of this API


def channel_lane(channel_id: str) -> str:
    return f"channel:{channel_id}"


def call(
    lane: str, method: str, *, ok_errors: tuple[str, ...] = (), key: str | None = None, **args
):
    """Any Web API method; Slack error codes in `ok_errors` count as success."""
    enqueue(Call(method=method, args=args, ok_errors=list(ok_errors)), lane=lane, key=key)


def post_message(channel_id: str, *, text: str, blocks: list | None = None, thread_ts=None):
    enqueue(
        PostMessage(channel=channel_id, text=text, blocks=blocks or None, thread_ts=thread_ts),
        lane=channel_lane(channel_id),
    )


def post_to_incident_channel(incident_id: int, *, text: str, blocks: list | None = None):
    """A message for the incident's comms channel (found when sent: it may not exist yet)."""
    enqueue(
        CommsMessage(incident_id=incident_id, text=text, blocks=blocks or None),
        lane=incident_lane(incident_id),
    )


def reply_in_headline_thread(incident_id: int, *, text: str):
    enqueue(HeadlineReply(incident_id=incident_id, text=text), lane=incident_lane(incident_id))


def post_ephemeral(channel_id: str, user_id: str, *, text: str, blocks: list | None = None):
    enqueue(
        PostEphemeral(channel=channel_id, user=user_id, text=text, blocks=blocks or None),
        lane=channel_lane(channel_id),
    )


def send_dm(user_id: str, *, text: str, blocks: list | None = None, lane: str | None = None):
    enqueue(
        DirectMessage(user_id=user_id, text=text, blocks=blocks or None),
        lane=lane or f"dm:{user_id}",
    )


def add_reaction(channel_id: str, ts: str, name: str):
    enqueue(AddReaction(channel=channel_id, ts=ts, name=name), lane=channel_lane(channel_id))


def create_comms_channel(incident_id: int, *, requested_by: str | None = None):
    enqueue(
        CreateChannel(incident_id=incident_id, requested_by=requested_by),
        lane=incident_lane(incident_id),
        key=f"create-channel:{incident_id}",
    )


def move_to_private_channel(incident_id: int, *, requested_by: str | None = None):
    enqueue(
        MoveToPrivateChannel(incident_id=incident_id, requested_by=requested_by),
        lane=incident_lane(incident_id),
        key=f"private-channel:{incident_id}",
    )


def invite_to_incident_channel(incident_id: int, user_ids: list[str]):
    enqueue(Invite(incident_id=incident_id, user_ids=user_ids), lane=incident_lane(incident_id))


def rename_incident_channel(incident_id: int, name: str, *, requested_by: str):
    enqueue(
        RenameChannel(incident_id=incident_id, name=name, requested_by=requested_by),
        lane=incident_lane(incident_id),
    )


def confirm_declaration(incident_id: int, *, channel_id: str | None, user_id: str):
    enqueue(
        ConfirmDeclaration(incident_id=incident_id, user_id=user_id, channel_id=channel_id),
        lane=incident_lane(incident_id),
    )


def publish_home(user_id: str):
    enqueue(PublishHome(user_id=user_id), lane=f"home:{user_id}", key=f"home:{user_id}")


def fetch_profile(user_id: str):
    enqueue(FetchProfile(user_id=user_id), lane="profiles", key=f"profile:{user_id}")


def learn_identity():
    """Ask Slack who the bot is (auth.test), once; remembered in SlackCache."""
    enqueue(LearnIdentity(), lane="auth", key="auth")
