"""fakeslack: a local Slack workspace emulator for tests, benchmarks and demos.

    from fakeslack import FakeSlack
    slack = FakeSlack().start()
    client = slack_sdk.WebClient(token=slack.bot_token, base_url=slack.api_url)

See ``docs/fakeslack.md``.
"""

from . import persist
from .actor import Actor
from .deliver import AppConfig, Delivery, signature
from .errors import SlackError
from .fake import FakeSlack
from .faults import Fault, Faults
from .recorder import Call
from .workspace import ChannelSeed, UsergroupSeed, UserSeed, Workspace

__all__ = [
    "Actor",
    "AppConfig",
    "Call",
    "ChannelSeed",
    "Delivery",
    "FakeSlack",
    "Fault",
    "Faults",
    "SlackError",
    "UserSeed",
    "UsergroupSeed",
    "Workspace",
    "persist",
    "signature",
]
