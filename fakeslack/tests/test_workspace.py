"""Seeding workspaces from files, the pytest plugin, and ``python -m fakeslack``."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from slack_sdk import WebClient

from fakeslack import FakeSlack, Workspace

YAML = """
team_name: Globex
team_domain: globex
bot_name: pager
signing_secret: s3cret
users:
  - {name: homer, real_name: Homer Simpson, email: homer@globex.example, tz: America/Chicago}
  - {name: marge, email: marge@globex.example}
channels:
  - {name: general, general: true}
  - {name: ops, members: [homer], topic: Keep it running, id: C0OPS00001}
  - {name: secrets, members: [marge], private: true, bot_member: false}
usergroups:
  - {handle: oncall, users: [homer]}
"""


def test_default_workspace() -> None:
    workspace = Workspace.default()
    assert len(workspace.users) == 12
    assert {c.name for c in workspace.channels} >= {"general", "incidents"}
    slack = FakeSlack()
    assert slack.user_id("alice").startswith("U")
    assert slack.user_id("alice@acme.example") == slack.user_id("alice")
    # Seeded ids are the same every time.
    assert FakeSlack().user_id("alice") == slack.user_id("alice")
    assert FakeSlack().channel_id("incidents") == slack.channel_id("incidents")


def test_yaml_and_json_files(tmp_path: Path) -> None:
    yaml_file = tmp_path / "globex.yaml"
    yaml_file.write_text(YAML)
    workspace = Workspace.load(yaml_file)
    json_file = tmp_path / "globex.json"
    json_file.write_text(json.dumps(workspace.to_dict()))
    for source in (yaml_file, json_file, str(yaml_file), workspace.to_dict()):
        with FakeSlack(source) as slack:
            client = WebClient(token=slack.bot_token, base_url=slack.api_url)
            assert client.auth_test()["team"] == "Globex"
            assert slack.signing_secret == "s3cret"
            assert slack.channel_id("ops") == "C0OPS00001"
            assert slack.topic("ops") == "Keep it running"
            assert slack.members("ops") == [slack.user_id("homer"), slack.bot_user_id]
            assert slack.channel("secrets")["is_private"]
            homer = client.users_info(user=slack.user_id("homer"))["user"]
            assert homer["tz"] == "America/Chicago"


def test_unknown_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown workspace keys"):
        Workspace.from_dict({"team": "x"})


def test_pytest_plugin_fixture(fakeslack: FakeSlack) -> None:
    client = WebClient(token=fakeslack.bot_token, base_url=fakeslack.api_url)
    assert client.auth_test()["ok"]
    assert fakeslack.api_url == f"http://127.0.0.1:{fakeslack.port}/api/"


@pytest.mark.fakeslack(workspace={"team_name": "Marked", "users": [{"name": "zed"}]})
def test_pytest_plugin_marker(fakeslack: FakeSlack) -> None:
    assert fakeslack.snapshot()["team"]["name"] == "Marked"
    assert fakeslack.user_id("zed")


def test_command_line(tmp_path: Path) -> None:
    workspace = tmp_path / "w.yaml"
    workspace.write_text(YAML)
    process = subprocess.Popen(
        [sys.executable, "-m", "fakeslack", "--port", "0", "--workspace", str(workspace)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("fakeslack serving Globex at http://127.0.0.1:")
        url = first.rsplit(" ", 1)[1].strip()
        with urllib.request.urlopen(f"{url}/_fakeslack/state") as response:
            assert json.load(response)["team"]["name"] == "Globex"
    finally:
        process.terminate()
        process.wait(5)
