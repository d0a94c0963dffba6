"""Start-up mistakes, made as a new user makes them: the real `response` command in a
subprocess says in a line or two which variable is wrong and what to do, with no traceback, and
exits non-zero where it must stop."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from fakeslack import FakeSlack
from response.envfile import EnvFileError, load_env_file, parse_env
from tests.processes import Running, clean_environment

RESPONSE = str(Path(sys.executable).parent / "response")
POSTGRES = ("127.0.0.1", 5432)


def response(*args: str, env: dict[str, str], cwd: Path | None = None, timeout: float = 120):
    """`response ARGS` to its end (killed if it outlives `timeout`)."""
    return subprocess.run(
        [RESPONSE, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout
    )


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    return clean_environment(RESPONSE_DATA_DIR=str(tmp_path), RESPONSE_LOG_LEVEL="WARNING", **extra)


def assert_short_refusal(result, *names: str, lines: int = 2) -> None:
    """Exit 1, nothing but a line or two on stderr, naming each of `names`."""
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    said = result.stderr.strip().splitlines()
    assert 1 <= len(said) <= lines, result.stderr
    for name in names:
        assert name in result.stderr, (name, result.stderr)


@contextmanager
def closed_port() -> Iterator[int]:
    """A local port that refuses connections: bound and not listening, so no other program
    can take it while the test relies on it."""
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        yield placeholder.getsockname()[1]


def postgres_or_skip() -> None:
    try:
        socket.create_connection(POSTGRES, timeout=2).close()
    except OSError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")


# --- DATABASE_URL ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["mysqlx://db.example/response", "response.sqlite3"])
def test_a_database_url_of_an_unknown_kind_is_refused_in_one_line(tmp_path, url):
    result = response("migrate", env=environment(tmp_path, DATABASE_URL=url))
    assert_short_refusal(result, "DATABASE_URL", "postgres://", "sqlite:///", lines=1)


def test_a_database_nobody_answers_for_names_database_url_and_the_fix(tmp_path):
    with closed_port() as port:
        url = f"postgres://postgres:secret@127.0.0.1:{port}/response"
        result = response("migrate", env=environment(tmp_path, DATABASE_URL=url))
    assert_short_refusal(result, "DATABASE_URL", "Connection refused", "host and port")
    assert "secret" not in result.stderr  # the password is not printed
    assert f"postgres://postgres:***@127.0.0.1:{port}/response" in result.stderr


@pytest.mark.parametrize(
    ("url", "fix"),
    [
        ("postgres://no_such_role_here@127.0.0.1:5432/postgres", "createuser no_such_role_here"),
        (
            "postgres://postgres@127.0.0.1:5432/no_such_db_here",
            "createdb no_such_db_here",
        ),
    ],
)
def test_a_database_that_refuses_the_login_says_what_to_create(tmp_path, url, fix):
    postgres_or_skip()
    result = response("web", env=environment(tmp_path, DATABASE_URL=url))
    assert_short_refusal(result, "DATABASE_URL", "does not exist", fix)


# --- Production mode ------------------------------------------------------------------------------


def test_production_run_with_nothing_set_refuses_once_and_never_starts_the_demo(tmp_path):
    result = response("run", "--port", "0", env=environment(tmp_path, RESPONSE_ENV="production"))
    assert_short_refusal(
        result,
        "RESPONSE_ENV=production",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "SITE_URL",
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
    )
    assert result.stdout == ""  # no word of the demo
    assert not (tmp_path / "demo").exists()


def production_without_slack(tmp_path) -> dict:
    """Production's settings, all but Slack's."""
    return environment(
        tmp_path,
        RESPONSE_ENV="production",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="response.example.com",
        SITE_URL="https://response.example.com",
    )


def test_production_demo_is_refused(tmp_path):
    env = production_without_slack(tmp_path)
    result = response("demo", "--port", "0", env=env)
    assert_short_refusal(result, "RESPONSE_ENV", lines=1)
    assert not (tmp_path / "demo").exists()


def test_production_worker_needs_the_bot_token_but_not_the_signing_secret(tmp_path):
    env = production_without_slack(tmp_path)
    result = response("worker", env=env)
    assert_short_refusal(result, "SLACK_BOT_TOKEN is not set")
    assert "SLACK_SIGNING_SECRET" not in result.stderr


# --- An unmigrated database -----------------------------------------------------------------------


@pytest.mark.parametrize("command", ["web", "worker"])
def test_web_and_worker_refuse_an_unmigrated_database_with_the_command_to_run(tmp_path, command):
    result = response(command, env=environment(tmp_path))
    assert_short_refusal(result, "response migrate", lines=1)


# --- Slack ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A data directory whose SQLite database is migrated, shared by this module's Slack tests
    (migrating costs more than the rest of such a test)."""
    data_dir = tmp_path_factory.mktemp("migrated")
    assert response("migrate", "-v", "0", env=environment(data_dir)).returncode == 0
    return data_dir


@pytest.mark.slow
def test_socket_mode_waits_for_slack_with_backoff_and_connects_when_it_answers(migrated):
    env = environment(migrated)
    # Slack's port refuses connections (bound, not listening) until fakeslack takes it.
    placeholder = socket.socket()
    placeholder.bind(("127.0.0.1", 0))
    port = placeholder.getsockname()[1]
    env.update(
        SLACK_BOT_TOKEN="xoxb-fakeslack-bot-token",
        SLACK_APP_TOKEN="xapp-1-fakeslack-app-token",
        SLACK_API_URL=f"http://127.0.0.1:{port}/api/",
    )
    slack = FakeSlack(port=port)
    slack.configure_app(socket_mode=True)
    try:
        with Running([RESPONSE, "run", "--port", "0", "--no-migrate"], env=env) as run:
            run.wait_for_line(r"trying again in 2 s \(attempt 2\)", timeout=120)
            placeholder.close()
            slack.start()
            assert slack.wait_for_socket(timeout=90), run.output
            run.wait_for_line("running at", timeout=60)
            assert run.interrupt() == 0, run.output
    finally:
        placeholder.close()
        slack.stop()
    attempts = [line for line in run.lines if "Slack is unreachable" in line]
    assert len(attempts) >= 2, run.output
    assert all(f"127.0.0.1:{port}" in line and "Connection refused" in line for line in attempts)
    assert "Traceback" not in run.output and "ERROR" not in run.output, run.output


@pytest.fixture
def fakeslack_server() -> Iterator[FakeSlack]:
    slack = FakeSlack().start()
    try:
        yield slack
    finally:
        slack.stop()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "variables", "refused"),
    [
        ("run", {"SLACK_BOT_TOKEN": "xoxb-wrong", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ("run", {"SLACK_BOT_TOKEN": "xoxb-wrong", "SLACK_APP_TOKEN": "app"}, "SLACK_BOT_TOKEN"),
        ("run", {"SLACK_BOT_TOKEN": "bot", "SLACK_APP_TOKEN": "xapp-wrong"}, "SLACK_APP_TOKEN"),
        ("worker", {"SLACK_BOT_TOKEN": "xoxb-wrong"}, "SLACK_BOT_TOKEN"),
    ],
)
def test_a_token_slack_refuses_stops_start_up_in_two_lines(
    migrated, fakeslack_server, command, variables, refused
):
    slack = fakeslack_server
    real = {"bot": slack.bot_token, "app": slack.app_token}
    env = environment(migrated, SLACK_API_URL=slack.api_url)
    env.update({name: real.get(value, value) for name, value in variables.items()})
    result = response(*([command, "--port", "0"] if command == "run" else [command]), env=env)
    assert_short_refusal(result, f"Slack refused {refused} (invalid_auth)", "docs/slack.md")
    assert "running at" not in result.stdout


# --- Help and .env --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "its_option", "not_its_option"),
    [
        ("run", "--no-migrate", "--slack-port"),
        ("web", "--threads", "--slack-port"),
        ("worker", "--workers", "--slack-port"),
        ("demo", "--slack-port", "--threads"),
    ],
)
def test_help_shows_the_commands_own_options(tmp_path, command, its_option, not_its_option):
    result = response(command, "--help", env=environment(tmp_path))
    assert result.returncode == 0, result.stderr
    assert f"usage: response {command}" in result.stdout
    assert its_option in result.stdout and not_its_option not in result.stdout
    assert "No Slack credentials" not in result.stdout  # the demo's announcement


def test_a_dot_env_file_in_the_working_directory_is_read_and_the_environment_wins(tmp_path):
    (tmp_path / ".env").write_text(
        "# Response's settings\n"
        'SITE_URL="https://from-dot-env.example"\n'
        "export RESPONSE_INCIDENT_CHANNEL=from-dot-env  # a comment\n"
        "SECRET_KEY='from the file'\n"
    )
    env = environment(tmp_path / "data", SECRET_KEY="from the environment")
    code = (
        "from django.conf import settings; "
        "print(settings.SITE_URL, settings.RESPONSE_INCIDENT_CHANNEL, settings.SECRET_KEY, sep='|')"
    )
    result = response("shell", "--no-imports", "-c", code, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://from-dot-env.example|from-dot-env|from the environment"


def test_a_broken_dot_env_line_is_named(tmp_path):
    (tmp_path / ".env").write_text("SITE_URL=https://ok.example\nthis is not a setting\n")
    result = response("check", env=environment(tmp_path / "data"), cwd=tmp_path)
    assert_short_refusal(result, ".env, line 2", "KEY=VALUE", lines=1)


def test_parse_env_reads_the_common_format():
    text = (
        "\n# comment\nA=1\nexport B = two words \nC='single # kept'\n"
        'D="line\\nbreak \\"quoted\\""\nE=\nF=x # trailing comment\nG=a#b\n'
    )
    assert parse_env(text) == {
        "A": "1",
        "B": "two words",
        "C": "single # kept",
        "D": 'line\nbreak "quoted"',
        "E": "",
        "F": "x",
        "G": "a#b",
    }


def test_load_env_file_leaves_what_is_set_alone(tmp_path):
    path = tmp_path / ".env"
    path.write_text("A=file\nB=file\n")
    environ = {"A": "environment"}
    assert load_env_file(path, environ) == {"B": "file"}
    assert environ == {"A": "environment", "B": "file"}
    assert load_env_file(tmp_path / "missing", environ) == {}


def test_parse_env_names_a_bad_line():
    with pytest.raises(EnvFileError, match=r"\.env, line 2"):
        parse_env("A=1\n=no name\n")
