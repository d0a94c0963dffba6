"""Shared by the listeners: who is asking, about which incident, and how to answer them."""

from __future__ import annotations

import logging
import re
from contextvars import ContextVar

from response.core.errors import ResponseError
from response.core.models import ExternalUser, Incident
from response.slack.blocks.text import escape
from response.slack.inbound.forms import as_pk
from response.slack.models import HeadlinePost
from response.slack.outbound.outbox import post_ephemeral, send_dm
from response.slack.selectors import incident_for_channel

logger = logging.getLogger(__name__)

# The channel a command is being run from, when someone typed it there for all to see
# (`@Response severity critical`): its ✅ says it was done, so a change it makes needs no second
# message there ("Severity is now Critical"). A slash command is seen by nobody else.
SAID_IN_CHANNEL: ContextVar[str | None] = ContextVar("said_in_channel", default=None)


class Changed(str):
    """A command's answer that only says what it changed ("Severity is now Critical."): the
    slash command, seen by nobody else, shows it; typed in the channel, the ✅ says it."""


USER_MENTION = re.compile(r"<@([UW][A-Z0-9]{1,31})(?:\|[^>]*)?>")
APOLOGY = "😵 Sorry, something went wrong there. It has been logged; please try again."


def refusal(error: ResponseError) -> str:
    """A domain refusal as a reply: its message may quote what was typed ("Unknown severity
    “<!channel>”"), so it is escaped."""
    return f"⚠️ {escape(error.message)}"


def split_command(text: str) -> tuple[str, str]:
    """("severity", "critical") from "severity critical"; the rest keeps its lines whole."""
    parts = text.strip().split(None, 1)
    if not parts:
        return "", ""
    return parts[0].lower(), parts[1].strip() if len(parts) > 1 else ""


def mentioned_users(text: str) -> list[str]:
    return USER_MENTION.findall(text)


# What Slack puts between < and > in a message's text: <@U…|name>, <#C…|name>, <!here>,
# <!subteam^S…|@team>, <!date^…|fallback>, <https://…|label>.
_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def from_slack(text: str) -> str:
    """What someone typed, from a message's or a command's text in Slack's own format, as plain
    text to keep (the web shows it, escape() makes it safe for Slack again): mentions become
    `@name`, links `label (url)`, and the `&amp;` `&lt;` `&gt;` Slack wrote become characters.
    Kept as Slack sent it, it would show as "&amp;" once escaped, and `<@U…>` on the web."""
    if "<" not in text and "&" not in text:
        return text
    mentioned = set(USER_MENTION.findall(text))
    names = dict(
        ExternalUser.objects.filter(external_id__in=mentioned, app="slack").values_list(
            "external_id", "display_name"
        )
        if mentioned
        else ()
    )

    def plain(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            return "@" + (names.get(target[1:]) or label or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            special = target[1:].split("^", 1)[0]
            return label or ("@" + special if special in {"here", "channel", "everyone"} else "")
        return f"{label} ({target})" if label and label != target else target

    text = _MARKUP.sub(plain, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def incident_for_action(
    *, channel_id: str | None, message_ts: str | None, value: str | None
) -> Incident | None:
    """The incident a click is about: its headline post, its channel, or the id in the value."""
    if channel_id and message_ts:
        post = HeadlinePost.objects.filter(channel_id=channel_id, message_ts=message_ts).first()
        if post is not None:
            return Incident.objects.select_related("severity", "lead").get(pk=post.incident_id)
    if (incident_id := as_pk(value)) is not None:
        found = Incident.objects.select_related("severity", "lead").filter(pk=incident_id).first()
        if found is not None:
            return found
    return incident_for_channel(channel_id)


def tell(user_id: str, text: str, *, channel_id: str | None = None) -> None:
    """An ephemeral note to one person where they are, or a DM when there is no channel."""
    if channel_id:
        post_ephemeral(channel_id, user_id, text=text)
    else:
        send_dm(user_id, text=text)
