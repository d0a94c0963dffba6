"""What every actor shares: who it is, which channels it may use, how it delivers."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..deliver import Delivery
from ..errors import SlackError
from ..state import Channel, ResponseTarget

if TYPE_CHECKING:
    from ..fake import FakeSlack

_MENTION = re.compile(r"(?<![<\w])@([a-z0-9._-]+)")
_CHANNEL_LINK = re.compile(r"(?<![<\w])#([a-z0-9_-]+)")


class ActorBase:
    """Who acts, and the helpers every kind of action shares."""

    def __init__(self, slack: FakeSlack, user_id: str) -> None:
        self.slack = slack
        self.state = slack.state
        self.user_id = user_id

    @property
    def name(self) -> str:
        return str(self.state.users[self.user_id]["name"])

    def __repr__(self) -> str:
        return f"<Actor {self.name} {self.user_id}>"

    # -- helpers -----------------------------------------------------------------------------

    def _channel(self, ref: str) -> Channel:
        channel = self.state.channel(ref)
        if channel.is_private and self.user_id not in channel.members:
            raise SlackError("channel_not_found", f"{self.name} cannot see {ref}")
        return channel

    def _member_channel(self, ref: str) -> Channel:
        channel = self._channel(ref)
        if self.user_id not in channel.members:
            raise SlackError(
                "not_in_channel", f"{self.name} is not in #{channel.name}; call .join() first"
            )
        if channel.is_archived:
            raise SlackError("is_archived")
        return channel

    def _bot_hears(self, channel: Channel) -> bool:
        return self.state.bot_user_id in channel.members

    def _linkify(self, text: str) -> str:
        """``@alice`` -> ``<@U…>`` and ``#incidents`` -> ``<#C…|incidents>``, as the client does."""

        def mention(match: re.Match[str]) -> str:
            word = match.group(1)
            if word in ("here", "channel", "everyone"):
                return f"<!{word}>"
            try:
                return f"<@{self.state.user(word)['id']}>"
            except SlackError:
                return match.group(0)

        def channel_link(match: re.Match[str]) -> str:
            channel = self.state.channel_named(match.group(1))
            return f"<#{channel.id}|{channel.name}>" if channel else match.group(0)

        return _CHANNEL_LINK.sub(channel_link, _MENTION.sub(mention, text))

    def _emit(self, *events: dict[str, Any]) -> list[Delivery]:
        return self.slack.emit(*events)

    def _response_url(self, target: ResponseTarget) -> str:
        return self.slack.new_response_url(target)
