"""`response doctor`, run as a person runs it, against fakeslack: one line per check, exit 1 when
something is wrong. And the start-up line of `run`, `web` and `worker`."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from fakeslack import FakeSlack, Workspace
from response.engine.heartbeat import Heartbeat
from tests.processes import Running, clean_environment

RESPONSE = str(Path(sys.executable).parent / "response")


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory) -> Path:
    """One migrated SQLite database, copied for each test (migrating costs seconds)."""
    data_dir = tmp_path_factory.mktemp("migrated")
    env = clean_environment(RESPONSE_DATA_DIR=str(data_dir))
    subprocess.run([RESPONSE, "migrate", "-v", "0"], env=env, check=True, timeout=180)
    return data_dir / "response.sqlite3"


def environment(data_dir: Path, slack: FakeSlack, **extra: str) -> dict[str, str]:
    return clean_environment(
        RESPONSE_DATA_DIR=str(data_dir),
        SLACK_BOT_TOKEN=slack.bot_token,
        SLACK_SIGNING_SECRET=slack.signing_secret,
        SLACK_APP_TOKEN=slack.app_token,
        SLACK_API_URL=slack.api_url,
        RESPONSE_LOG_LEVEL="WARNING",
        **extra,
    )


def migrated(tmp_path: Path, database: Path) -> Path:
    shutil.copy(database, tmp_path / "response.sqlite3")
    return tmp_path


def doctor(env: dict[str, str]) -> tuple[int, list[str]]:
    done = subprocess.run(
        [RESPONSE, "doctor"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.stderr == "", done.stderr
    return done.returncode, done.stdout.splitlines()


def wrong(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("✗")]


@pytest.mark.slow
def test_a_good_configuration_with_a_worker_running_passes_every_check(
    tmp_path, fakeslack, migrated_database
):
    env = environment(migrated(tmp_path, migrated_database), fakeslack)
    with Running([RESPONSE, "worker"], env=env) as worker:
        startup = worker.wait_for_line(r"^Slack: ").string.strip()
        code, lines = doctor(env)
        assert worker.interrupt() == 0, worker.output
    assert code == 0, "\n".join(lines)
    assert wrong(lines) == []
    assert "✓ Slack bot token: @response in Acme Corp (https://acme.slack.com/)" in lines
    assert "✓ Slack scopes: all 21 the manifest asks for are granted" in lines
    assert "✓ Slack signing secret: set" in lines
    assert "✓ Socket Mode: Slack offers a connection (apps.connections.open)" in lines
    channel = fakeslack.channel_id("incidents")
    assert f"✓ incidents channel #incidents: {channel}, @response is a member" in lines
    assert f"✓ database: SQLite {tmp_path / 'response.sqlite3'} answers" in lines
    assert "✓ migrations: all applied" in lines
    assert any(line.startswith(f"✓ queue: SQLite {tmp_path / 'queue.sqlite3'}") for line in lines)
    assert any(line.startswith("✓ worker: 1 alive, the latest beat") for line in lines)
    assert lines[-1] == "Everything Response needs is in place."
    # The worker's start-up line says what it connected to, and no secret.
    assert startup == (
        f"Slack: @response in Acme Corp; database: SQLite {tmp_path / 'response.sqlite3'}; "
        f"queue: SQLite {tmp_path / 'queue.sqlite3'}"
    )
    assert fakeslack.bot_token not in worker.output
    # A worker that stopped took its heartbeat with it.
    code, lines = doctor(env)
    assert code == 1
    assert wrong(lines) == [
        "✗ worker: none alive in the last 30 s (none is running): start `response worker` "
        "(or `response run`) against this database"
    ]


def test_no_worker_is_the_one_thing_wrong(tmp_path, fakeslack, migrated_database):
    code, lines = doctor(environment(migrated(tmp_path, migrated_database), fakeslack))
    assert code == 1
    assert [line.split(":")[0] for line in wrong(lines)] == ["✗ worker"]
    assert lines[-1] == "1 of 10 checks need attention."


def test_a_wrong_bot_token_says_where_to_find_the_right_one(tmp_path, fakeslack, migrated_database):
    env = environment(migrated(tmp_path, migrated_database), fakeslack)
    code, lines = doctor({**env, "SLACK_BOT_TOKEN": "xoxb-not-the-right-one"})
    assert code == 1
    assert (
        "✗ Slack bot token: Slack refuses it (invalid_auth): copy the Bot User OAuth Token "
        "(xoxb-…) from the app's OAuth & Permissions page into SLACK_BOT_TOKEN"
    ) in lines
    assert "✗ Slack scopes: cannot tell until the bot token works" in lines


def test_slack_unreachable_and_an_app_token_refused(tmp_path, fakeslack, migrated_database):
    env = environment(migrated(tmp_path, migrated_database), fakeslack)
    with closed_port() as port:
        unreachable = {**env, "SLACK_API_URL": f"http://127.0.0.1:{port}/api/"}
        code, lines = doctor(unreachable)
    assert code == 1
    assert any(
        line.startswith(f"✗ Slack bot token: Slack does not answer at http://127.0.0.1:{port}")
        for line in lines
    ), lines
    code, lines = doctor({**env, "SLACK_APP_TOKEN": "xapp-wrong"})
    assert code == 1
    assert any(
        line.startswith("✗ Socket Mode: Slack refuses SLACK_APP_TOKEN (invalid_auth)")
        for line in lines
    ), lines


def test_a_missing_incidents_channel_and_one_without_the_bot(
    tmp_path, fakeslack, migrated_database
):
    env = environment(migrated(tmp_path, migrated_database), fakeslack)
    code, lines = doctor({**env, "RESPONSE_INCIDENT_CHANNEL": "war-room"})
    assert code == 1
    assert (
        "✗ incidents channel #war-room: does not exist (or @response cannot see it): create it "
        "and invite @response, or set RESPONSE_INCIDENT_CHANNEL to the channel's name or id"
    ) in lines
    code, lines = doctor({**env, "RESPONSE_INCIDENT_CHANNEL": "#random"})
    assert code == 1
    assert (
        "✗ incidents channel #random: @response is not a member: type `/invite @response` in it"
    ) in lines


def test_scopes_the_manifest_asks_for_and_slack_did_not_grant(tmp_path, migrated_database):
    workspace = Workspace.default()
    workspace.bot_scopes = [s for s in workspace.bot_scopes if s not in {"chat:write", "pins:read"}]
    slack = FakeSlack(workspace).start()
    try:
        code, lines = doctor(environment(migrated(tmp_path, migrated_database), slack))
    finally:
        slack.stop()
    assert code == 1
    assert (
        "✗ Slack scopes: missing chat:write, pins:read: add them under OAuth & Permissions (or "
        "update the app from `response slack-manifest`) and reinstall the app"
    ) in lines


def test_an_unmigrated_database_and_an_unreachable_queue(tmp_path, fakeslack):
    with closed_port() as port:
        env = environment(tmp_path, fakeslack, RESPONSE_QUEUE_URL=f"redis://127.0.0.1:{port}/3")
        code, lines = doctor(env)
    assert code == 1
    migrations = next(line for line in lines if line.startswith("✗ migrations: "))
    assert migrations.endswith(": run `response migrate`"), migrations
    assert "✗ worker: cannot tell until the database is migrated" in lines
    assert any(
        line.startswith(f"✗ queue: cannot reach Redis 127.0.0.1:{port}/3 (")
        and line.endswith("): check RESPONSE_QUEUE_URL")
        for line in lines
    ), lines


def test_production_wants_site_url(tmp_path, fakeslack, migrated_database):
    production = {
        "RESPONSE_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "a.example",
    }
    env = environment(migrated(tmp_path, migrated_database), fakeslack, **production)
    # Without it, production settings refuse to load at all: doctor says so in their words.
    refused = subprocess.run(
        [RESPONSE, "doctor"], env=env, capture_output=True, text=True, timeout=120
    )
    assert refused.returncode != 0
    assert "SITE_URL is not set" in refused.stdout + refused.stderr
    code, lines = doctor({**env, "SITE_URL": "https://response.a.example"})
    assert "✓ SITE_URL: https://response.a.example" in lines
    assert code == 1 and [line.split(":")[0] for line in wrong(lines)] == ["✗ worker"]


@pytest.mark.slow
def test_web_says_what_it_connected_to(tmp_path, fakeslack, migrated_database):
    env = environment(migrated(tmp_path, migrated_database), fakeslack)
    with Running([RESPONSE, "web", "--port", "0"], env=env) as web:
        line = web.wait_for_line(r"^Slack: ").string.strip()
        assert web.interrupt() == 0, web.output
    assert line == (
        "Slack: @response in Acme Corp (HTTP events at /slack/events); "
        f"database: SQLite {tmp_path / 'response.sqlite3'}; "
        f"queue: SQLite {tmp_path / 'queue.sqlite3'}"
    )


class closed_port:
    """A loopback port bound but not listening, held for the block: connecting is refused, and
    no other program can take the port meanwhile."""

    def __enter__(self) -> int:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        return self._socket.getsockname()[1]

    def __exit__(self, *exc_info) -> None:
        self._socket.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_doctor_on_postgresql_with_a_postgresql_queue(tmp_path, fakeslack):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run by make test's PostgreSQL pass)")
    Heartbeat().beat()  # a worker elsewhere, committed: the doctor's process sees it
    url = database_url()
    env = environment(tmp_path, fakeslack, DATABASE_URL=url, RESPONSE_QUEUE_URL=url)
    code, lines = doctor(env)
    assert code == 0, "\n".join(lines)
    settings = connection.settings_dict
    where = f"{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    assert f"✓ database: PostgreSQL {where} answers" in lines
    assert any(line.startswith(f"✓ queue: PostgreSQL {where} answers") for line in lines)


def database_url() -> str:
    """The test database, for a process of its own."""
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
