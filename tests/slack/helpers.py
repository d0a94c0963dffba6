"""Steps shared by the Slack tests, each done the way a person does it in Slack."""

from __future__ import annotations

from response.core.models import Incident
from response.slack.models import CommsChannel, HeadlinePost


def declare_in_slack(slack, title="Checkout is failing", user="alice", values=None):
    """/incident <title>, submit the modal, wait for the headline post and the channel."""
    person = slack.actor(user)
    assert person.slash_command("/incident", title, channel="general").ok
    view = slack.open_views(slack.user_id(user))[-1]
    assert person.submit_view(view["id"], values or {}).ok
    incident = Incident.objects.latest("id")
    slack.wait_for(lambda: CommsChannel.objects.filter(incident=incident).exists(), timeout=10)
    channel = CommsChannel.objects.get(incident=incident)
    if not incident.is_private:
        slack.wait_for(lambda: HeadlinePost.objects.filter(incident=incident).exists())
    slack.wait_for(lambda: slack.user_id(user) in slack.members(channel.channel_id))
    return incident, channel.channel_id


def mention(slack, user, channel_id, text):
    """Post "@Response <text>" as the user (joining the channel first); returns the message ts."""
    person = slack.actor(user)
    if slack.user_id(user) not in slack.members(channel_id):
        person.join(channel_id)
    return person.post_message(channel_id, f"<@{slack.bot_user_id}> {text}")


def reactions_on(slack, channel_id, ts):
    return {r["name"] for r in slack.message(channel_id, ts).get("reactions", [])}


def headline_blocks(slack, incident):
    post = HeadlinePost.objects.get(incident=incident)
    return slack.message(post.channel_id, post.message_ts)["blocks"]
