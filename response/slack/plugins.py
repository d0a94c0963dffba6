"""Plugins: the built-in ones, the integrations switched on (response.integrations) and those
listed in RESPONSE_PLUGINS, imported once at start-up."""

from __future__ import annotations

import importlib

from django.conf import settings

from response import integrations

BUILTIN = [
    "response.slack.outbound.calls",
    "response.slack.outbound.places",
    "response.slack.inbound.delivered",
    "response.slack.inbound.events",
    "response.slack.inbound.builtin_commands",
    "response.slack.inbound.builtin_actions",
    "response.slack.inbound.declare_from",
    "response.slack.inbound.subscriptions",
    "response.slack.outbound.informing",
    "response.slack.inbound.roles",
    "response.slack.inbound.services",
    "response.slack.inbound.people_commands",
    "response.slack.postmortem",
    "response.slack.outbound.invites",
    "response.slack.outbound.channel_life",
    "response.slack.inbound.times",
    "response.slack.inbound.types",
    "response.slack.reminders",
]

_loaded: list[str] = []


def load() -> list[str]:
    for module in [*BUILTIN, *integrations.enabled(), *getattr(settings, "RESPONSE_PLUGINS", [])]:
        if module not in _loaded:
            importlib.import_module(module)
            _loaded.append(module)
    return list(_loaded)
