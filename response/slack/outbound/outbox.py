"""What the rest of Response asks of Slack. Each function writes a job and returns at once; the
worker does the asking (response.slack.outbound.performers), in order, retrying as needed."""

from __future__ import annotations

from response.slack.jobs import enqueue


def incident_lane(incident_id: int) -> str:
    return f"incident:{incident_id}"


def call(
    lane: str, method: str, *, ok_errors: tuple[str, ...] = (), key: str | None = None, **args
):
    """Any Web API method; Slack error codes in `ok_errors` count as success (already_reacted)."""
    return enqueue(
        lane, "call", {"method": method, "args": args, "ok_errors": list(ok_errors)}, key=key
    )


def post_message(channel_id: str, *, text: str, blocks: list | None = None, thread_ts=None):
    args = {"channel": channel_id, "text": text}
    if blocks:
        args["blocks"] = blocks
    if thread_ts:
        args["thread_ts"] = thread_ts
    return call(f"channel:{channel_id}", "chat.postMessage", **args)


def post_to_incident_channel(incident_id: int, *, text: str, blocks: list | None = None):
    """A message for the incident's comms channel (resolved when sent: it may not exist yet)."""
    return enqueue(
        incident_lane(incident_id),
        "comms_message",
        {"incident_id": incident_id, "text": text, "blocks": blocks or None},
    )


def reply_in_headline_thread(incident_id: int, *, text: str):
    return enqueue(
        incident_lane(incident_id), "headline_reply", {"incident_id": incident_id, "text": text}
    )


def post_ephemeral(channel_id: str, user_id: str, *, text: str, blocks: list | None = None):
    args = {"channel": channel_id, "user": user_id, "text": text}
    if blocks:
        args["blocks"] = blocks
    return call(f"channel:{channel_id}", "chat.postEphemeral", **args)


def send_dm(user_id: str, *, text: str, blocks: list | None = None, lane: str | None = None):
    return enqueue(
        lane or f"dm:{user_id}", "dm", {"user_id": user_id, "text": text, "blocks": blocks or None}
    )


def add_reaction(channel_id: str, ts: str, name: str):
    return call(
        f"channel:{channel_id}",
        "reactions.add",
        channel=channel_id,
        timestamp=ts,
        name=name,
        ok_errors=("already_reacted", "message_not_found"),
    )


def sync_incident(incident_id: int) -> None:
    """Bring the headline post, and the channel topic and bookmark, up to date (coalesced)."""
    lane = incident_lane(incident_id)
    enqueue(lane, "sync_headline", {"incident_id": incident_id}, key=f"headline:{incident_id}")
    enqueue(lane, "sync_channel", {"incident_id": incident_id}, key=f"channel:{incident_id}")


def create_comms_channel(incident_id: int, *, requested_by: str | None = None):
    return enqueue(
        incident_lane(incident_id),
        "create_channel",
        {"incident_id": incident_id, "requested_by": requested_by},
        key=f"create-channel:{incident_id}",
    )


def invite_to_incident_channel(incident_id: int, user_ids: list[str]):
    return enqueue(
        incident_lane(incident_id), "invite", {"incident_id": incident_id, "user_ids": user_ids}
    )


def rename_incident_channel(incident_id: int, name: str, *, requested_by: str):
    return enqueue(
        incident_lane(incident_id),
        "rename_channel",
        {"incident_id": incident_id, "name": name, "requested_by": requested_by},
    )


def confirm_declaration(incident_id: int, *, channel_id: str | None, user_id: str):
    return enqueue(
        incident_lane(incident_id),
        "confirm_declaration",
        {"incident_id": incident_id, "channel_id": channel_id, "user_id": user_id},
    )


def publish_home(user_id: str):
    return enqueue(f"home:{user_id}", "publish_home", {"user_id": user_id}, key=f"home:{user_id}")


def fetch_profile(user_id: str):
    return enqueue("profiles", "fetch_profile", {"user_id": user_id}, key=f"profile:{user_id}")


def learn_identity():
    """Ask Slack who the bot is (auth.test), once; the answer is remembered in SlackCache."""
    return enqueue("auth", "auth_test", {}, key="auth")
