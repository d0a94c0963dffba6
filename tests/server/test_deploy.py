"""The systemd units in deploy/ (docs/deploy.md): systemd accepts them, and their ExecStart command
lines, with this checkout's virtual environment in place of /opt/response, start Response's
processes, which serve and stop cleanly on systemd's SIGTERM."""

import configparser
import re
import shlex
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from fakeslack import FakeSlack
from tests.processes import Running, clean_environment

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"
UNITS = ["response-web.service", "response-worker.service"]
VENV = Path(sys.executable).parent.parent


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read(DEPLOY / name)
    return parser


def here(text: str, tmp_path: Path) -> str:
    """A unit's text with this checkout in place of the paths of a real installation."""
    return (
        text.replace("/opt/response/.venv", str(VENV))
        .replace("/opt/response", str(ROOT))
        .replace("/etc/response/response.env", str(tmp_path / "response.env"))
        .replace("/var/lib/response", str(tmp_path / "data"))
    )


def test_systemd_accepts_the_units(tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed here")
    (tmp_path / "response.env").write_text((DEPLOY / "response.env.example").read_text())
    copies = []
    for name in UNITS:
        copy = tmp_path / name
        copy.write_text(here((DEPLOY / name).read_text(), tmp_path))
        copies.append(str(copy))
    done = subprocess.run(
        ["systemd-analyze", "verify", *copies], capture_output=True, text=True, timeout=60
    )
    # Lines about the machine, not the units (no systemd running in a container) are ignored.
    problems = [line for line in done.stderr.splitlines() if any(u in line for u in UNITS)]
    assert problems == [], done.stderr


def test_the_example_environment_names_only_documented_variables():
    readme = (ROOT / "README.md").read_text()
    example = (DEPLOY / "response.env.example").read_text()
    names = re.findall(r"^([A-Z_]+)=", example, re.MULTILINE)
    assert {"DATABASE_URL", "RESPONSE_QUEUE_URL", "SECRET_KEY", "SLACK_BOT_TOKEN"} <= set(names)
    assert [n for n in names if f"`{n}`" not in readme] == []
    for name in UNITS:
        assert unit(name)["Service"]["EnvironmentFile"] == "/etc/response/response.env"


@pytest.mark.slow
def test_the_units_command_lines_start_response_and_stop_on_sigterm(tmp_path):
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        pytest.skip("the units do not depend on the database: the SQLite pass runs them")
    slack = FakeSlack().start()
    try:
        env = clean_environment(
            RESPONSE_DATA_DIR=str(tmp_path),
            RESPONSE_LOG_LEVEL="WARNING",
            SLACK_BOT_TOKEN=slack.bot_token,
            SLACK_SIGNING_SECRET=slack.signing_secret,
            SLACK_API_URL=slack.api_url,
        )
        subprocess.run([str(VENV / "bin" / "response"), "migrate", "-v", "0"], env=env, check=True)
        web, worker = (
            shlex.split(here(unit(name)["Service"]["ExecStart"], tmp_path)) for name in UNITS
        )
        assert web[1:3] == ["web", "--host"] and worker[1:] == ["worker"]
        web[web.index("--port") + 1] = "0"  # any free port, not 8000
        with Running(web, env=env) as web_process, Running(worker, env=env) as worker_process:
            url = web_process.wait_for_line(r"serving on (http://\S+?)/?\s").group(1)
            with urllib.request.urlopen(f"{url}/health", timeout=30) as answer:
                assert answer.status == 200
            worker_process.wait_for_line(r"worker started")
            for running in (web_process, worker_process):
                assert unit_stop_signal(running) == 0, running.output
    finally:
        slack.stop()


def unit_stop_signal(running: Running) -> int:
    """What `systemctl stop` does with KillSignal=SIGTERM: the exit code."""
    assert running.process is not None
    running.process.send_signal(signal.SIGTERM)
    return running.process.wait(timeout=60)
