"""`response demo`: Response wired to a local fakeslack workspace, tried in a browser.

Settings are read once, when Django starts, so the demo's environment (its own data directory,
generated Slack credentials, fakeslack's URL, the web UI's URL) is set by `prepare()` in the
console script, before Django loads; the `demo` management command then starts everything.
This module imports only the standard library at the top: it runs before Django is set up.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

SLACK_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN")
# The demo keeps everything in its own directory; these would point it elsewhere.
FOREIGN_VARIABLES = (
    "DATABASE_URL",
    "RESPONSE_QUEUE_URL",
    "SITE_URL",
    "SLACK_API_URL",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_TEAM_ID",
)
# Sign in with Slack in the demo: the sandbox's app id, and who is staff (Alice, Frank, Ivan and
# Oscar are in the sandbox's @sre group).
DEMO_CLIENT_ID = "1000000000001.2000000000002"
DEMO_STAFF = "@sre"
DEMO_LOGIN = ("demo", "demo")
CREDENTIALS_FILE = "slack-credentials.json"
WORKSPACE_FILE = "fakeslack-workspace.json"


def slack_configured(environ: os._Environ | dict = os.environ) -> bool:
    """Whether any Slack credential is set (then `response run` talks to real Slack)."""
    return any(environ.get(name, "").strip() for name in SLACK_VARIABLES)


@dataclass(frozen=True)
class DemoOptions:
    host: str
    port: int
    slack_port: int
    reset: bool
    no_migrate: bool
    data_dir: Path


def parse(args: list[str], *, prog: str = "response demo") -> DemoOptions:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Try Response with no Slack account: a local Slack sandbox in the browser.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="where the web UI listens")
    parser.add_argument("--port", type=int, default=8000, help="the web UI's port (0: any)")
    parser.add_argument(
        "--slack-port", type=int, default=None, help="the Slack sandbox's port (default 8001)"
    )
    parser.add_argument(
        "--reset", action="store_true", help="forget the demo's incidents and Slack history"
    )
    parser.add_argument("--no-migrate", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args(args)
    slack_port = options.slack_port
    if slack_port is None:
        slack_port = 0 if options.port == 0 else 8001
    base = Path(os.environ.get("RESPONSE_DATA_DIR", "").strip() or "var")
    return DemoOptions(
        host=options.host,
        port=_free_port(options.host) if options.port == 0 else options.port,
        slack_port=_free_port("127.0.0.1") if slack_port == 0 else slack_port,
        reset=options.reset,
        no_migrate=options.no_migrate,
        data_dir=(base / "demo").resolve(),
    )


def _free_port(host: str) -> int:
    """A port nothing listens on, taken below the range the system hands out for port 0: the
    server binds it a moment after this probe, and in that moment no other program's port 0 can
    land on it (a port-0 probe here was taken so, now and then, under two test runs at once)."""
    highest = _ephemeral_ports_start() - 1
    for port in random.sample(range(max(1024, highest - 10_000), highest + 1), 50):
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    raise OSError(f"no free port found on {host}")


def _ephemeral_ports_start() -> int:
    """Where the ports handed out for port 0 begin (Linux says; 32768 is at or below it on
    Linux, macOS and Windows)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _local_host(host: str) -> str:
    """How this machine reaches a server listening on ``host``."""
    return "127.0.0.1" if host in ("", "0.0.0.0", "::") else host


def ensure_fakeslack_importable() -> None:
    """fakeslack lives beside the response package; an editable install made before it
    existed does not map it, so fall back to the source checkout."""
    try:
        import fakeslack  # noqa: F401
    except ModuleNotFoundError:
        sys.path.append(str(Path(__file__).resolve().parent.parent))


def prepare(args: list[str], *, prog: str = "response demo") -> list[str]:
    """Set the demo's environment; returns the management command line to run."""
    options = parse(args, prog=prog)
    ensure_fakeslack_importable()
    if options.reset and options.data_dir.exists():
        shutil.rmtree(options.data_dir)
    options.data_dir.mkdir(parents=True, exist_ok=True)
    credentials = demo_credentials(options.data_dir)
    for name in (*SLACK_VARIABLES, *FOREIGN_VARIABLES):
        os.environ.pop(name, None)
    from response.integrations.pagerduty import demo as pagerduty_demo

    # The local PagerDuty and Statuspage listen on ports the system gives when they start (two
    # demos at once never race for one); the demo points the settings at them then.
    pagerduty_demo.prepare_environment(port=0)
    # The worker logs every task it runs; a person trying the demo wants the URLs, not that.
    os.environ.setdefault("RESPONSE_LOG_LEVEL", "WARNING")
    os.environ.setdefault("RESPONSE_SLACK_STAFF", DEMO_STAFF)
    # Declaring from a reaction, and announcing critical incidents, to try in the sandbox.
    os.environ.setdefault("RESPONSE_DECLARE_REACTION", "rotating_light")
    os.environ.setdefault("RESPONSE_DECLARE_REACTION_CHANNELS", "general")
    os.environ.setdefault("RESPONSE_ANNOUNCE", "critical:#random")
    # A critical incident brings in the sandbox's @sre group (docs/slack.md, "Getting people in").
    os.environ.setdefault("RESPONSE_AUTO_INVITE", "critical:@sre")
    os.environ.update(
        {
            "RESPONSE_DATA_DIR": str(options.data_dir),
            "RESPONSE_DEMO": "1",
            "SLACK_BOT_TOKEN": credentials["bot_token"],
            "SLACK_SIGNING_SECRET": credentials["signing_secret"],
            "SLACK_CLIENT_ID": DEMO_CLIENT_ID,
            "SLACK_CLIENT_SECRET": credentials["client_secret"],
            "SLACK_API_URL": f"http://127.0.0.1:{options.slack_port}/api/",
            "SITE_URL": f"http://{_local_host(options.host)}:{options.port}",
        }
    )
    from response.integrations.statuspage import demo as statuspage_demo

    os.environ.update(statuspage_demo.environment(port=0))
    command = ["--host", options.host, "--port", str(options.port)]
    command += ["--slack-port", str(options.slack_port)]
    if options.no_migrate:
        command.append("--no-migrate")
    return ["response", "demo", *command]


def demo_credentials(data_dir: Path) -> dict[str, str]:
    """The fake workspace's tokens and secrets: generated once into the data directory (a
    secret a newer version needs is added to an older demo's file)."""
    path = data_dir / CREDENTIALS_FILE
    stored = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    fresh = {
        "bot_token": lambda: "xoxb-demo-" + secrets.token_hex(12),
        "app_token": lambda: "xapp-1-demo-" + secrets.token_hex(12),
        "signing_secret": lambda: secrets.token_hex(16),
        "client_secret": lambda: secrets.token_hex(16),
    }
    missing = {name: make() for name, make in fresh.items() if name not in stored}
    if missing:
        stored |= missing
        path.write_text(json.dumps(stored), encoding="utf-8")
        path.chmod(0o600)
    return stored
