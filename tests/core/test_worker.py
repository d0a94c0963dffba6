"""The worker: `response worker` does queued Slack work; every supported queue storage works."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from huey.utils import load_class

from fakeslack import FakeSlack
from response.settings import huey_settings
from tests.processes import Running

RESPONSE = str(Path(sys.executable).parent / "response")


def environment(tmp_path, slack: FakeSlack) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(
        RESPONSE_DATA_DIR=str(tmp_path),
        SLACK_BOT_TOKEN=slack.bot_token,
        SLACK_SIGNING_SECRET=slack.signing_secret,
        SLACK_API_URL=slack.api_url,
        RESPONSE_LOG_LEVEL="WARNING",
    )
    env.pop("DATABASE_URL", None)
    return env


@pytest.mark.slow
def test_response_worker_does_the_queued_slack_work_and_stops_cleanly(tmp_path):
    slack = FakeSlack().start()
    try:
        env = environment(tmp_path, slack)
        subprocess.run([RESPONSE, "migrate", "-v", "0"], env=env, check=True, timeout=120)
        # Queue work while no worker runs: it waits in the database.
        queue = "from response.slack.outbound.outbox import learn_identity; learn_identity()"
        subprocess.run(
            [RESPONSE, "shell", "--no-imports", "-c", queue], env=env, check=True, timeout=60
        )
        assert slack.calls("auth.test") == []
        with Running([RESPONSE, "worker"], env=env) as worker:
            # One auth.test is the worker's check of its token at start-up (its start-up line
            # says what it answered); the other, the job.
            slack.wait_for(lambda: len(slack.calls("auth.test")) >= 2, timeout=60)
            assert worker.interrupt() == 0, worker.output
        assert "Slack: @response in Acme Corp; database: SQLite" in worker.output
    finally:
        slack.stop()


def storage_round_trip(config: dict) -> None:
    options = {k: v for k, v in config.items() if k not in {"huey_class", "immediate", "consumer"}}
    huey = load_class(config["huey_class"])(**options)
    huey.storage.flush_queue()
    huey.storage.enqueue(b"nudge")
    assert huey.storage.dequeue() == b"nudge"
    huey.storage.flush_queue()


def test_sqlite_queue(tmp_path):
    storage_round_trip(huey_settings(f"sqlite:///{tmp_path / 'queue.sqlite3'}"))


def service_or_skip(host: str, port: int, what: str) -> None:
    import socket

    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"{what} is not running here")


def test_redis_queue():
    service_or_skip("127.0.0.1", 6379, "Redis")
    storage_round_trip(huey_settings("redis://127.0.0.1:6379/15"))


def test_postgres_queue():
    service_or_skip("127.0.0.1", 5432, "PostgreSQL")
    storage_round_trip(huey_settings("postgres://postgres@127.0.0.1:5432/postgres"))


def test_queue_settings_by_scheme(tmp_path):
    assert huey_settings("sqlite:///x.db")["huey_class"] == "huey.SqliteHuey"
    assert huey_settings("redis://localhost:6379/0")["huey_class"] == "huey.RedisHuey"
    assert huey_settings("postgres://u@h/db")["huey_class"] == "huey.PostgresHuey"
    assert huey_settings("memory://")["huey_class"] == "huey.MemoryHuey"
    for config in (huey_settings("sqlite:///x.db"), huey_settings("redis://h")):
        assert config["immediate"] is False
