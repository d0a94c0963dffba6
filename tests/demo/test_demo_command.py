"""`response demo` as a command: two URLs and a login, a clean Ctrl-C, data kept unless --reset."""

from __future__ import annotations

import json
import socket
import sqlite3
import sys
import urllib.request

import pytest

from tests.demo.helpers import demo_env, start_demo
from tests.processes import Running

pytestmark = pytest.mark.slow


def get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def act(sandbox_url: str, **body) -> dict:
    request = urllib.request.Request(
        f"{sandbox_url}/_fakeslack/act",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def general_texts(sandbox_url: str) -> list[str]:
    state = get(f"{sandbox_url}/sandbox/api/state?user=alice")
    [general] = [c for c in state["channels"] if c["name"] == "general"]
    return [m["text"] for m in general["messages"]]


def test_demo_keeps_its_slack_history_and_incidents_until_reset(tmp_path):
    demo = start_demo(tmp_path)
    try:
        assert "Sign in with Slack" in demo.output and "demo / demo" in demo.output
        with urllib.request.urlopen(f"{demo.sandbox_url}/", timeout=10) as response:
            assert b"Slack sandbox" in response.read()
        state = get(f"{demo.sandbox_url}/sandbox/api/state?user=alice")
        assert any(c["command"] == "/incident" for c in state["app"]["features"]["slash_commands"])
        assert "/incident" in state["hint"]
        act(demo.sandbox_url, user="alice", action="post_message", channel="general", text="hi")
        # The long poll answers at once when something changed since the etag it was given.
        assert (
            get(f"{demo.sandbox_url}/sandbox/api/state?user=alice&since={state['etag']}&wait=5")[
                "etag"
            ]
            != state["etag"]
        )
    finally:
        assert demo.stop() == 0, demo.output
    assert (tmp_path / "demo" / "fakeslack-workspace.json").exists()
    assert (tmp_path / "demo" / "response.sqlite3").exists()
    # A small service catalog to choose from (docs/catalog.md), owned by the sandbox's groups.
    with sqlite3.connect(tmp_path / "demo" / "response.sqlite3") as database:
        services = database.execute("SELECT slug FROM core_service ORDER BY slug").fetchall()
    assert [slug for (slug,) in services] == ["checkout", "database", "ledger", "search"]

    again = start_demo(tmp_path)
    try:
        assert "restored the Slack history" in again.output
        assert general_texts(again.sandbox_url) == ["hi"]
        # New messages get new, later ids and timestamps than the restored ones.
        act(again.sandbox_url, user="bob", action="post_message", channel="general", text="yo")
        assert general_texts(again.sandbox_url) == ["hi", "yo"]
    finally:
        assert again.stop() == 0, again.output

    fresh = start_demo(tmp_path, "--reset")
    try:
        assert general_texts(fresh.sandbox_url) == []
    finally:
        assert fresh.stop() == 0, fresh.output


def test_run_with_slack_credentials_is_not_the_demo(tmp_path):
    """Any Slack credential means real Slack: `response run` says what else is missing."""
    env = demo_env(tmp_path)
    env["SLACK_BOT_TOKEN"] = "xoxb-real-looking-token"
    # Slack out of reach (a local port bound and not listening), not slack.com: no network.
    with socket.socket() as slack_port:
        slack_port.bind(("127.0.0.1", 0))
        env["SLACK_API_URL"] = f"http://127.0.0.1:{slack_port.getsockname()[1]}/api/"
        with Running([sys.executable, "-m", "response", "run", "--port", "0"], env=env) as run:
            run.wait_for_line("Ctrl-C")
            assert run.interrupt() == 0, run.output
    assert "running at" in run.output
    assert "Slack is unreachable" in run.output  # the token is checked when Slack answers
    assert "Slack sandbox" not in run.output and "demo" not in run.output
    assert "SLACK_SIGNING_SECRET" in run.output
    assert not (tmp_path / "demo").exists()
