"""Acting as a user: what a person does in the Slack client, and what Slack then delivers.

Every method changes the workspace the way the client would (refusing what the client would not
allow, with a ``SlackError``), then delivers the resulting events or interaction to the app and,
for interactions, waits for and honours its answer. The state lock is never held while
delivering, so the app can call the Web API meanwhile.
"""

from __future__ import annotations

from .acting.conversations import ConversationActions
from .acting.interactions import InteractionActions


class Actor(ConversationActions, InteractionActions):
    """One user of the workspace. Get one with ``slack.actor("alice")``."""


__all__ = ["Actor"]
