"""The seed of a workspace: team, users, channels, user groups, the app and its credentials.

A ``Workspace`` is plain data. ``Workspace.default()`` is the demo workspace; ``Workspace.load``
reads the same shape from a JSON or YAML file (see ``docs/fakeslack.md``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml


@dataclass
class UserSeed:
    name: str
    real_name: str = ""
    email: str = ""
    tz: str = "UTC"
    title: str = ""
    is_admin: bool = False
    id: str | None = None


@dataclass
class ChannelSeed:
    name: str
    # User names; "*" means every seeded user.
    members: list[str] | str = "*"
    private: bool = False
    bot_member: bool = True
    general: bool = False
    topic: str = ""
    purpose: str = ""
    id: str | None = None


@dataclass
class UsergroupSeed:
    handle: str
    name: str = ""
    users: list[str] = field(default_factory=list)
    description: str = ""
    id: str | None = None


# The scopes a bot token is granted unless the seed says otherwise: what a Slack incident bot is
# usually installed with. Slack reports them on every Web API answer (``x-oauth-scopes``).
DEFAULT_BOT_SCOPES = [
    "app_mentions:read",
    "bookmarks:read",
    "bookmarks:write",
    "channels:history",
    "channels:join",
    "channels:manage",
    "channels:read",
    "chat:write",
    "chat:write.public",
    "commands",
    "groups:history",
    "groups:read",
    "groups:write",
    "im:history",
    "im:read",
    "im:write",
    "pins:read",
    "pins:write",
    "reactions:read",
    "reactions:write",
    "team:read",
    "users:read",
    "users:read.email",
    "usergroups:read",
]


@dataclass
class Workspace:
    team_name: str = "Acme Corp"
    team_domain: str = "acme"
    team_id: str | None = None
    bot_name: str = "response"
    bot_user_id: str | None = None
    bot_id: str | None = None
    app_id: str | None = None
    bot_token: str = "xoxb-fakeslack-bot-token"
    app_token: str = "xapp-1-fakeslack-app-token"
    signing_secret: str = "fakeslack-signing-secret"
    # The app's OAuth credentials, for Sign in with Slack (OpenID Connect).
    client_id: str = "1000000000001.2000000000002"
    client_secret: str = "fakeslack-client-secret"
    # The scopes the bot token was granted (Slack's x-oauth-scopes header). fakeslack reports
    # them but does not refuse calls outside them.
    bot_scopes: list[str] = field(default_factory=lambda: list(DEFAULT_BOT_SCOPES))
    # Seeds the id generator, so the same file gives the same ids on every run.
    seed: int = 1
    users: list[UserSeed] = field(default_factory=list)
    channels: list[ChannelSeed] = field(default_factory=list)
    usergroups: list[UsergroupSeed] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Workspace:
        data = dict(data)
        unknown = set(data) - {f for f in cls.__dataclass_fields__}
        if unknown:
            raise ValueError(f"unknown workspace keys: {sorted(unknown)}")
        users = [UserSeed(**u) for u in data.pop("users", [])]
        channels = [ChannelSeed(**c) for c in data.pop("channels", [])]
        usergroups = [UsergroupSeed(**g) for g in data.pop("usergroups", [])]
        return cls(**data, users=users, channels=channels, usergroups=usergroups)

    @classmethod
    def load(cls, path: str | Path) -> Workspace:
        """Read a workspace from a ``.json``, ``.yaml`` or ``.yml`` file."""
        text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)
        return cls.from_dict(data or {})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def default(cls) -> Workspace:
        """The demo: Acme Corp, twelve people, #general, #incidents, #random, #security."""
        people = [
            ("alice", "Alice Adams", "Europe/London", "SRE lead"),
            ("bob", "Bob Brown", "America/New_York", "Backend engineer"),
            ("carol", "Carol Chen", "Asia/Singapore", "Payments engineer"),
            ("dave", "Dave Davis", "America/Los_Angeles", "Frontend engineer"),
            ("erin", "Erin Evans", "Europe/Berlin", "Engineering manager"),
            ("frank", "Frank Fischer", "Europe/Berlin", "Database administrator"),
            ("grace", "Grace Garcia", "America/Chicago", "Support lead"),
            ("heidi", "Heidi Hansen", "Europe/Oslo", "Security engineer"),
            ("ivan", "Ivan Ivanov", "Europe/Sofia", "Platform engineer"),
            ("judy", "Judy Jones", "Australia/Sydney", "Product manager"),
            ("mallory", "Mallory Moore", "America/Denver", "Communications"),
            ("oscar", "Oscar Ortiz", "America/Sao_Paulo", "Network engineer"),
        ]
        users = [
            UserSeed(
                name=n,
                real_name=r,
                email=f"{n}@acme.example",
                tz=tz,
                title=t,
                is_admin=n == "alice",
            )
            for n, r, tz, t in people
        ]
        channels = [
            ChannelSeed(name="general", general=True, purpose="Company-wide announcements"),
            ChannelSeed(name="incidents", purpose="Incident headlines, one post per incident"),
            ChannelSeed(name="random", bot_member=False),
            ChannelSeed(
                name="security", members=["alice", "heidi"], private=True, bot_member=False
            ),
        ]
        usergroups = [
            UsergroupSeed(handle="oncall", name="On-call", users=["alice", "bob"]),
            UsergroupSeed(handle="sre", name="SRE", users=["alice", "frank", "ivan", "oscar"]),
        ]
        return cls(users=users, channels=channels, usergroups=usergroups)
