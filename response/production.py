"""What production mode (`RESPONSE_ENV=production`) requires, said in one short refusal.

Used twice: by the console script before anything starts (it knows the command, so it can
require Slack's credentials of the processes that talk to Slack, and the demo is never
started), and by the settings for every other way in (WSGI servers, `manage.py`-style use).
This module imports only the standard library: it runs before Django reads its settings.
"""

from __future__ import annotations

from collections.abc import Mapping

# Required of every command in production: a generated secret or the laptop's host names and
# URL would be wrong there.
ALWAYS_REQUIRED = ("SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL")
# The processes that talk to Slack need their credentials (in production nothing falls back
# to the demo). `run` can use Socket Mode instead of Slack's signed HTTP requests.
SERVING_COMMANDS = {"run", "web", "worker"}


def _set(environ: Mapping[str, str], name: str) -> bool:
    return bool(environ.get(name, "").strip())


def missing_variables(environ: Mapping[str, str], command: str | None = None) -> list[str]:
    """The variables production mode needs for `command` (None: any command) that are unset."""
    missing = [name for name in ALWAYS_REQUIRED if not _set(environ, name)]
    if command in SERVING_COMMANDS:
        if not _set(environ, "SLACK_BOT_TOKEN"):
            missing.append("SLACK_BOT_TOKEN")
        socket_mode = command == "run" and _set(environ, "SLACK_APP_TOKEN")
        if command != "worker" and not socket_mode and not _set(environ, "SLACK_SIGNING_SECRET"):
            missing.append("SLACK_SIGNING_SECRET")
    return missing


def debug_on(environ: Mapping[str, str]) -> bool:
    return environ.get("RESPONSE_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}


def production_refusal(environ: Mapping[str, str], command: str | None = None) -> str | None:
    """Two lines saying what production mode lacks and what to do, or None when it has all."""
    if environ.get("RESPONSE_ENV", "").strip().lower() != "production":
        return None
    missing = missing_variables(environ, command)
    problems = []
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        problems.append(f"{_and(missing)} {verb} not set")
    if debug_on(environ):
        problems.append("RESPONSE_DEBUG is on")
    if not problems:
        return None
    return (
        "Response refuses to start in production mode (RESPONSE_ENV=production): "
        + "; ".join(problems)
        + ".\n"
        + _what_to_do(bool(missing), debug_on(environ))
    )


def _what_to_do(missing: bool, debug: bool) -> str:
    if not missing:
        return "Turn RESPONSE_DEBUG off: Django's debug pages show settings and code to anyone."
    also = " and turn RESPONSE_DEBUG off" if debug else ""
    return (
        f"Set them (README.md, Configuration, says what each is){also}, or unset RESPONSE_ENV "
        "to try Response on this machine."
    )


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
