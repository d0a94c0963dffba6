"""Commands for getting the right people in and the call: `invite` and `call`."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from response.core.models import Incident
from response.slack.blocks.channel_life import call_link
from response.slack.channel_life import post_call_link
from response.slack.decorators import incident_command
from response.slack.inbound.context import mentioned_users
from response.slack.outbound.invites import invite_on_request
from response.slack.selectors import comms_channel_of

# How Slack writes a user group picked from the autocomplete: <!subteam^S0SRE|@sre>.
GROUP_MENTION = re.compile(r"<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>")
# A handle typed without the autocomplete: Slack sends it as plain text, "@sre".
TYPED_HANDLE = re.compile(r"(?<![\w<|])@([a-z0-9][a-z0-9._-]*)", re.IGNORECASE)
USER_MENTION_MARKUP = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
# A link as Slack writes it in a message (<https://…> or <https://…|label>), or typed bare.
LINK = re.compile(r"<(https?://[^|>\s]+)(?:\|[^>]*)?>|(https?://\S+)")
_validate_url = URLValidator(schemes=["http", "https"])


def named_groups(message: str) -> list[str]:
    """Group ids from mentions (`S0SRE`), and handles typed as text (`sre`), in order."""
    groups = GROUP_MENTION.findall(message)
    rest = USER_MENTION_MARKUP.sub(" ", GROUP_MENTION.sub(" ", message))
    groups += [handle.lower() for handle in TYPED_HANDLE.findall(rest)]
    return list(dict.fromkeys(groups))


def call_url_of(message: str) -> str | None:
    """The http(s) link in the message, as Slack sent it (its `&amp;` made `&` again), if it
    is a valid URL."""
    match = LINK.search(message)
    if match is None:
        return None
    url = (match.group(1) or match.group(2)).replace("&lt;", "<").replace("&gt;", ">")
    url = url.replace("&amp;", "&")
    try:
        _validate_url(url)
    except ValidationError:
        return None
    return url if len(url) <= 500 and not set("<>|") & set(url) else None


@incident_command(
    ["invite"],
    helptext="`invite @group @person …` Invite people, and the members of user groups.",
)
def invite(incident: Incident, user_id: str, message: str):
    groups, people = named_groups(message), mentioned_users(message)
    if not groups and not people:
        return False, "Whom shall I invite? For example `invite @sre @alice`."
    if comms_channel_of(incident.pk) is None:
        return False, "This incident has no channel yet to invite anyone to."
    invite_on_request(incident.pk, groups=groups, user_ids=people, requested_by=user_id)
    return True, None  # the channel says who was invited


@incident_command(
    ["call"],
    helptext="`call <link>` Post the call link here, pinned and bookmarked (or show it).",
)
def call(incident: Incident, user_id: str, message: str):
    channel = comms_channel_of(incident.pk)
    if channel is None:
        return False, "This incident has no channel yet for a call link."
    if not message.strip():
        if channel.call_url:
            return True, f"📞 {call_link(channel.call_url)}"
        return False, "No call yet. Give me its link: `call https://meet.example.com/abc`."
    url = call_url_of(message)
    if url is None:
        return False, "That is not a link I can post. Try `call https://meet.example.com/abc`."
    if url == channel.call_url:
        return True, "That is the call link already (pinned, and bookmarked above)."
    post_call_link(incident.pk, url)
    return True, None  # the channel gets the link
