"""Upgrading keeps the data: a database left by the first release's schema (every app at the
migration it started with), holding an incident, its channel, work waiting in the old Slack job
queue and a reminder, is brought to today's schema by `response migrate`, as an operator runs it
(docs/deploy.md), and everything is still there, moved where today's code looks for it."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings

from bench.common import throwaway_postgres
from tests.processes import clean_environment

RESPONSE = str(Path(sys.executable).parent / "response")

# The first release's schema: what the earliest migrations of the Slack adapter and the
# reminders were written against.
FIRST_RELEASE = [
    ("core", "0003_participant"),
    ("slack", "0001_initial"),
    ("notifications", "0001_initial"),
]

BUILD_OLD_DATABASE = f"""
from datetime import timedelta
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

targets = {FIRST_RELEASE!r}
MigrationExecutor(connection).migrate(targets)
old = MigrationExecutor(connection).loader.project_state(targets).apps
now = timezone.now()
bob = old.get_model("core", "ExternalUser").objects.create(external_id="U0BOB", display_name="bob")
incident = old.get_model("core", "Incident").objects.create(
    title="Checkout is failing", status="investigating", started_at=now - timedelta(hours=2),
    reporter=bob, lead=bob,
    severity=old.get_model("core", "Severity").objects.get(slug="critical"),
)
old.get_model("core", "TimelineEvent").objects.create(
    incident=incident, kind="severity", text="Severity changed from unset to Critical"
)
old.get_model("slack", "CommsChannel").objects.create(
    incident=incident, channel_id="C0CHECKOUT", name="inc-1-checkout-is-failing"
)
old.get_model("slack", "SlackCache").objects.create(
    key="channel-state:C0CHECKOUT", value={{"topic": "Checkout is failing", "bookmark_id": "Bk1"}}
)
Job = old.get_model("slack", "Job")
envelope = {{"event_id": "Ev0WAITING", "event": {{"type": "app_mention", "channel": "C0CHECKOUT"}}}}
Job.objects.create(kind="slack_event", lane="in:C0CHECKOUT", delivery_key="Ev0WAITING",
                   payload=envelope, state="pending")
Job.objects.create(kind="slack_event", lane="in:C0CHECKOUT", delivery_key="Ev0DONE",
                   payload={{}}, state="done", done_at=now)
old.get_model("notifications", "ScheduledNotification").objects.create(
    incident=incident, key="response.notifications.builtin.update_cadence", state="failed",
    anchor_at=now, next_due_at=now + timedelta(minutes=30), failures=3,
)
print("built")
"""

WHAT_IS_THERE = """
import json
from response.core.models import Incident
from response.engine.models import Job
from response.notifications.models import ScheduledNotification
from response.slack.models import CommsChannel
incident = Incident.objects.get()
channel = CommsChannel.objects.get()
row = ScheduledNotification.objects.get()
print(json.dumps({
    "incident": [incident.title, incident.status, incident.severity.slug,
                 incident.lead.external_id],
    "timeline": list(incident.timeline_events.values_list("kind", "text")),
    "channel": [channel.channel_id, channel.incident_id == incident.pk, channel.topic,
                channel.bookmark_id],
    "jobs": sorted(Job.objects.values_list("kind", "state", "delivery_key")),
    "waiting_event": Job.objects.get(delivery_key="Ev0WAITING").payload["body"]["event_id"],
    "reminder": [row.key, row.state, Job.objects.filter(
        kind="reminder", key=f"reminder:{row.pk}", not_before=row.next_due_at).exists()],
}))
"""


def response(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run([RESPONSE, *args], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def postgres_server() -> str:
    return urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres"))


@pytest.fixture
def empty_database(tmp_path):
    """An empty database of the kind this pass tests: a SQLite file, or a fresh PostgreSQL one."""
    env = clean_environment(RESPONSE_DATA_DIR=str(tmp_path), RESPONSE_LOG_LEVEL="WARNING")
    if not on_postgres():
        yield env
        return
    url, drop = throwaway_postgres(postgres_server(), "upgrade")
    try:
        yield {**env, "DATABASE_URL": url}
    finally:
        drop()


@pytest.mark.slow
def test_a_database_of_the_first_release_upgrades_with_its_data(empty_database):
    """(On PostgreSQL, then backed up and restored as docs/deploy.md says.)"""
    env = empty_database
    response("shell", "--no-imports", "-c", BUILD_OLD_DATABASE, env=env)
    assert "[ ] 0002_jobs_move_to_the_engine" in response("showmigrations", "slack", env=env)

    response("migrate", "-v", "0", env=env)

    assert "[ ]" not in response("showmigrations", env=env)
    found = json.loads(response("shell", "--no-imports", "-c", WHAT_IS_THERE, env=env))
    assert found["incident"] == ["Checkout is failing", "investigating", "critical", "U0BOB"]
    assert ["severity", "Severity changed from unset to Critical"] in found["timeline"]
    # SlackCache's memory of the channel moved onto the channel.
    assert found["channel"] == ["C0CHECKOUT", True, "Checkout is failing", "Bk1"]
    # The event still waiting went over to the work engine, as did the key of the one done
    # (a late redelivery of it is still recognised); the reminder got its job, under its new name.
    assert found["jobs"] == [
        ["reminder", "pending", None],
        ["slack.event", "done", "Ev0DONE"],
        ["slack.event", "pending", "Ev0WAITING"],
    ]
    assert found["waiting_event"] == "Ev0WAITING"
    assert found["reminder"] == ["response.slack.reminders.update_cadence", "scheduled", True]
    if on_postgres():
        restored_from_a_backup_holds_the_same(env, found, tmp_path=Path(env["RESPONSE_DATA_DIR"]))


def restored_from_a_backup_holds_the_same(env: dict[str, str], found: dict, *, tmp_path: Path):
    """docs/deploy.md's backup and restore: pg_dump, pg_restore into an empty database."""
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed here")
    dump = tmp_path / "response.dump"
    url = env["DATABASE_URL"]
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", url], check=True, timeout=120)
    restored_url, drop = throwaway_postgres(postgres_server(), "restored")
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={restored_url}", str(dump)],
            check=True,
            timeout=120,
        )
        restored = {**env, "DATABASE_URL": restored_url}
        assert (
            json.loads(response("shell", "--no-imports", "-c", WHAT_IS_THERE, env=restored))
            == found
        )
        with psycopg.connect(restored_url) as connection:
            triggers = connection.execute(
                "SELECT tgname FROM pg_trigger "
                "WHERE tgrelid = 'core_auditevent'::regclass AND NOT tgisinternal"
            ).fetchall()
        assert len(triggers) == 2, triggers  # the audit log stays append-only
    finally:
        drop()
