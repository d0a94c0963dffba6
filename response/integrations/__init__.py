"""Integrations with the services teams run beside Slack (docs/integrations.md).

Each is a package here, a Django app (its tables exist whether it is switched on or not) and a
plugin: its `configured()` says whether its environment variables are set, and when they are its
`plugin` module is loaded with the other plugins, so it registers its Slack building blocks
(`@headline_post_action`, `@incident_command`, `@action_handler`, modal handlers), its work
engine job kinds and its announcement receivers exactly as a user's plugin would. Inbound
webhooks are served under `/integrations/<name>/`.
"""

from __future__ import annotations

import importlib

INTEGRATIONS = ("pagerduty", "statuspage", "trackers", "alerts", "webhooks")


def enabled() -> list[str]:
    """The plugin modules of the integrations switched on by the settings."""
    modules = []
    for name in INTEGRATIONS:
        package = importlib.import_module(f"{__name__}.{name}")
        if package.configured():
            modules.append(f"{__name__}.{name}.plugin")
    return modules
