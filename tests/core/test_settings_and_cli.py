"""The configuration contract and the `response` command, run as a user runs them."""

import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.processes import Running

RESPONSE = str(Path(sys.executable).parent / "response")


def run_response(*args, env=None, timeout=60):
    return subprocess.run(
        [RESPONSE, *args], capture_output=True, text=True, env=env, timeout=timeout
    )


def clean_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "SLACK_"))}
    env.pop("RESPONSE_ENV", None)
    env.pop("SECRET_KEY", None)
    env.pop("ALLOWED_HOSTS", None)
    env["RESPONSE_DATA_DIR"] = str(tmp_path)
    env.update(extra)
    return env


def test_help_explains_the_commands(tmp_path):
    result = run_response("--help", env=clean_env(tmp_path))
    assert result.returncode == 0
    for command in ("run", "web", "worker", "migrate", "createsuperuser"):
        assert re.search(rf"^\s+{command}\b", result.stdout, re.M), command


def test_production_mode_names_every_missing_variable(tmp_path):
    env = clean_env(tmp_path, RESPONSE_ENV="production", RESPONSE_DEBUG="1")
    result = run_response("check", env=env)
    assert result.returncode != 0
    assert "RESPONSE_ENV=production" in result.stderr
    assert "RESPONSE_DEBUG is on" in result.stderr
    assert "SECRET_KEY, ALLOWED_HOSTS and SITE_URL are not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_mode_starts_when_configured(tmp_path):
    env = clean_env(
        tmp_path,
        RESPONSE_ENV="production",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="response.example.com",
        SITE_URL="https://response.example.com",
    )
    result = run_response("check", env=env)
    assert result.returncode == 0, result.stderr


def test_secret_key_is_generated_once_into_the_data_dir(tmp_path):
    env = clean_env(tmp_path)
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = run_response("shell", "--no-imports", "-c", code, env=env).stdout
    second = run_response("shell", "--no-imports", "-c", code, env=env).stdout
    assert first == second and len(first.strip()) > 40
    assert (tmp_path / "secret_key").exists()


def test_sqlite_runs_in_wal_mode(tmp_path):
    env = clean_env(tmp_path)
    code = (
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    assert run_response("shell", "--no-imports", "-c", code, env=env).stdout.strip() == "wal"


def test_unsupported_queue_url_is_explained(tmp_path):
    env = clean_env(tmp_path, RESPONSE_QUEUE_URL="amqp://localhost")
    result = run_response("check", env=env)
    assert result.returncode != 0
    assert "RESPONSE_QUEUE_URL has an unsupported scheme 'amqp'" in result.stderr


@pytest.mark.slow
def test_run_serves_the_home_page_and_admin_and_explains_slack(tmp_path):
    """With no Slack credentials, `response run` says what is missing for real Slack and starts
    the demo instead: the web UI and admin, and a local Slack sandbox wired to them."""
    env = clean_env(tmp_path)
    with Running([RESPONSE, "run", "--port", "0"], env=env) as run:
        url = run.wait_for_line(r"running at (http://\S+?)/?$").group(1)
        run.wait_for_line("Ctrl-C")
        output = run.output
        # Says what is missing for real Slack, where to read how, and what it does instead.
        assert "SLACK_BOT_TOKEN" in output and "SLACK_SIGNING_SECRET" in output
        assert "docs/slack.md" in output
        assert "demo" in output
        sandbox = re.search(r"Slack sandbox: (http://\S+?)/?\s", output).group(1)
        with urllib.request.urlopen(f"{url}/health", timeout=10) as response:
            assert response.status == 200
        with urllib.request.urlopen(f"{url}/admin/login/", timeout=10) as response:
            assert b"Response administration" in response.read()
        with urllib.request.urlopen(f"{sandbox}/", timeout=10) as response:
            assert b"Slack sandbox" in response.read()
        assert run.interrupt() == 0, run.output
    assert (tmp_path / "demo" / "response.sqlite3").exists()
