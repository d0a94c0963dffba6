"""Steps shared by the Slack tests, each done the way a person does it in Slack."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

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


# What hostile people type: a channel ping, a raw ampersand, a disguised link, a boss's mention.
HOSTILE = "<!channel> & <https://evil.example|click> <@U0BOSS> <!here> <!subteam^S0SRE> <#C0SECRET>"
# What must never reach a place Slack parses when it came from typed text.
CONTROL_SEQUENCES = (
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!subteam",
    "<https://evil",
    "<@U0BOSS",
    "<#C0SECRET",
)
_RAW_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")
# Not parsed by Slack: shown as typed (escaping there would show "&amp;").
_UNPARSED_KEYS = {"initial_value", "placeholder", "private_metadata", "callback_id", "value"}


def parsed_strings(value, *, path="") -> Iterator[tuple[str, str]]:
    """Every string Slack would parse for mentions and links in a payload, with where it is:
    mrkdwn text, a message's `text`, a topic; not plain_text objects or input values. JSON
    strings (blocks and views sent form-encoded) are looked into."""
    if isinstance(value, str):
        if value[:1] in "[{":
            try:
                yield from parsed_strings(json.loads(value), path=path)
                return
            except ValueError:
                pass
        yield path, value
    elif isinstance(value, dict):
        if value.get("type") == "plain_text":
            return
        for key, item in value.items():
            if key not in _UNPARSED_KEYS:
                yield from parsed_strings(item, path=f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from parsed_strings(item, path=f"{path}[{index}]")


def unescaped_user_text(value) -> list[tuple[str, str]]:
    """(where, text) of every parsed string with a control sequence typed text would make, or
    a raw `&` (one that is not an entity)."""
    return [
        (where, text)
        for where, text in parsed_strings(value)
        if any(seq in text for seq in CONTROL_SEQUENCES) or _RAW_AMPERSAND.search(text)
    ]
