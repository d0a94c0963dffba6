"""`response doctor`: each thing Response needs, checked, one line each: ✓ what is right, ✗ what
is wrong and what to do about it. The exit status is 1 when any line is a ✗."""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from response.engine.heartbeat import ALIVE_WITHIN, alive_workers
from response.server.connections import (
    SlackAnswer,
    ask_slack,
    describe_database,
    describe_queue,
    queue_size,
)
from response.slack.manifest import BOT_SCOPES

SLACK_DOCS = "see docs/slack.md"


@dataclass(frozen=True)
class Finding:
    ok: bool
    subject: str
    said: str

    def line(self) -> str:
        return f"{'✓' if self.ok else '✗'} {self.subject}: {self.said}"


def examine() -> list[Finding]:
    """Every check, in the order an operator fixes things."""
    auth = _auth_test()
    database = check_database()
    migrations = (
        check_migrations() if database.ok else _unknown("migrations", "the database answers")
    )
    findings = [
        check_bot_token(auth),
        check_scopes(auth),
        check_signing_secret(),
        check_socket_mode(),
        check_incident_channel(auth),
        database,
        migrations,
        check_queue(),
        check_worker() if migrations.ok else _unknown("worker", "the database is migrated"),
        check_site_url(),
    ]
    return findings


def _unknown(subject: str, until: str) -> Finding:
    return Finding(False, subject, f"cannot tell until {until}")


def _auth_test() -> SlackAnswer | None:
    if not settings.SLACK_BOT_TOKEN:
        return None
    return ask_slack("auth.test", settings.SLACK_BOT_TOKEN)


# --- Slack ----------------------------------------------------------------------------------------


def check_bot_token(auth: SlackAnswer | None) -> Finding:
    subject = "Slack bot token"
    if auth is None:
        return Finding(
            False,
            subject,
            "SLACK_BOT_TOKEN is not set: set it to the app's Bot User OAuth Token (xoxb-…), "
            + SLACK_DOCS,
        )
    if auth.unreachable:
        return Finding(
            False,
            subject,
            f"Slack does not answer at {settings.SLACK_API_URL} ({auth.error}): check the "
            "network, a proxy, or SLACK_API_URL",
        )
    if auth.response is None:
        return Finding(
            False,
            subject,
            f"Slack refuses it ({auth.error}): copy the Bot User OAuth Token (xoxb-…) from the "
            "app's OAuth & Permissions page into SLACK_BOT_TOKEN",
        )
    answer = auth.response
    return Finding(True, subject, f"@{answer['user']} in {answer['team']} ({answer['url']})")


def check_scopes(auth: SlackAnswer | None) -> Finding:
    subject = "Slack scopes"
    if auth is None or auth.response is None:
        return _unknown(subject, "the bot token works")
    header = auth.response.headers.get("x-oauth-scopes")
    if header is None:
        return Finding(False, subject, "Slack did not say which scopes the token has")
    granted = {scope.strip() for scope in header.split(",") if scope.strip()}
    missing = [scope for scope in BOT_SCOPES if scope not in granted]
    if missing:
        return Finding(
            False,
            subject,
            f"missing {', '.join(missing)}: add them under OAuth & Permissions (or update the "
            "app from `response slack-manifest`) and reinstall the app",
        )
    return Finding(True, subject, f"all {len(BOT_SCOPES)} the manifest asks for are granted")


def check_signing_secret() -> Finding:
    subject = "Slack signing secret"
    if settings.SLACK_SIGNING_SECRET:
        return Finding(True, subject, "set")
    if settings.SLACK_APP_TOKEN:
        return Finding(True, subject, "not set (Socket Mode does not need it)")
    return Finding(
        False,
        subject,
        "SLACK_SIGNING_SECRET is not set: copy the Signing Secret from the app's Basic "
        "Information page; without it every request from Slack is refused",
    )


def check_socket_mode() -> Finding:
    subject = "Socket Mode"
    if not settings.SLACK_APP_TOKEN:
        return Finding(
            True,
            subject,
            f"off (SLACK_APP_TOKEN is not set): Slack must reach {settings.SITE_URL}/slack/events",
        )
    answer = ask_slack("apps.connections.open", settings.SLACK_APP_TOKEN)
    if answer.response is not None:
        return Finding(True, subject, "Slack offers a connection (apps.connections.open)")
    if answer.unreachable:
        return Finding(False, subject, f"Slack does not answer ({answer.error})")
    return Finding(
        False,
        subject,
        f"Slack refuses SLACK_APP_TOKEN ({answer.error}): generate an app-level token "
        "(xapp-…) with the connections:write scope under Basic Information",
    )


def check_incident_channel(auth: SlackAnswer | None) -> Finding:
    configured = settings.RESPONSE_INCIDENT_CHANNEL.lstrip("#")
    subject = f"incidents channel #{configured}"
    if auth is None or auth.response is None:
        return _unknown(subject, "the bot token works")
    bot = auth.response["user"]
    channel = _find_channel(configured)
    if channel is None:
        return Finding(
            False,
            subject,
            f"does not exist (or @{bot} cannot see it): create it and invite @{bot}, or set "
            "RESPONSE_INCIDENT_CHANNEL to the channel's name or id",
        )
    if not channel.get("is_member"):
        return Finding(False, subject, f"@{bot} is not a member: type `/invite @{bot}` in it")
    return Finding(True, subject, f"{channel['id']}, @{bot} is a member")


def _find_channel(configured: str) -> dict | None:
    token = settings.SLACK_BOT_TOKEN
    if configured[:1] in {"C", "G"} and configured.upper() == configured:
        answer = ask_slack("conversations.info", token, channel=configured)
        return answer.response["channel"] if answer.response is not None else None
    cursor = ""
    while True:
        arguments: dict[str, object] = {
            "types": "public_channel,private_channel",
            "exclude_archived": True,
            "limit": 200,
        }
        if cursor:
            arguments["cursor"] = cursor
        answer = ask_slack("conversations.list", token, **arguments)
        if answer.response is None:
            return None
        channel: dict
        for channel in answer.response.get("channels", []):
            if channel.get("name") == configured:
                return channel
        cursor = (answer.response.get("response_metadata") or {}).get("next_cursor") or ""
        if not cursor:
            return None


# --- Database, queue, worker ----------------------------------------------------------------------


def check_database() -> Finding:
    subject = "database"
    try:
        connections[DEFAULT_DB_ALIAS].ensure_connection()
    except Exception as error:
        return Finding(
            False,
            subject,
            f"cannot connect to {describe_database()} ({_first_line(error)}): check DATABASE_URL",
        )
    return Finding(True, subject, f"{describe_database()} answers")


def check_migrations() -> Finding:
    subject = "migrations"
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = [f"{m.app_label}.{m.name}" for m, _ in plan]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        return Finding(False, subject, f"{len(plan)} not applied ({shown}): run `response migrate`")
    return Finding(True, subject, "all applied")


def check_queue() -> Finding:
    subject = "queue"
    try:
        waiting = queue_size()
    except Exception as error:
        return Finding(
            False,
            subject,
            f"cannot reach {describe_queue()} ({_first_line(error)}): check RESPONSE_QUEUE_URL",
        )
    return Finding(True, subject, f"{describe_queue()} answers ({waiting} messages waiting)")


def check_worker() -> Finding:
    subject = "worker"
    try:
        alive = alive_workers()
    except Exception as error:  # the table is missing: the migrations line says what to do
        return Finding(False, subject, f"cannot tell ({_first_line(error)})")
    if alive.workers:
        return Finding(
            True,
            subject,
            f"{alive.workers} alive, the latest beat {alive.latest_beat_age:.0f} s ago",
        )
    seen = (
        f"the last one beat {alive.latest_beat_age:.0f} s ago"
        if alive.latest_beat_age is not None
        else "none is running"
    )
    return Finding(
        False,
        subject,
        f"none alive in the last {ALIVE_WITHIN.seconds} s ({seen}): start `response worker` "
        "(or `response run`) against this database",
    )


def check_site_url() -> Finding:
    subject = "SITE_URL"
    if os.environ.get("SITE_URL", "").strip():
        return Finding(True, subject, settings.SITE_URL)
    if settings.PRODUCTION:
        return Finding(
            False,
            subject,
            "not set: set it to the web UI's public address (links posted in Slack point there)",
        )
    return Finding(True, subject, f"{settings.SITE_URL} (the default; set it in production)")


def _first_line(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
