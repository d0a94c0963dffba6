"""App Home, the global shortcut, and the generated app manifest."""

import json
import subprocess
import sys
from pathlib import Path

from response.core.models import Incident
from response.slack.manifest import BOT_EVENTS, build_manifest
from tests.slack.helpers import declare_in_slack


def test_app_home_lists_open_incidents_with_a_declare_button(slack):
    incident, channel_id = declare_in_slack(slack, "Search is slow")
    slack.actor("bob").open_app_home()
    slack.wait_for(lambda: slack.home_view(slack.user_id("bob")))
    home = json.dumps(slack.home_view(slack.user_id("bob")))
    assert f"#{incident.pk} Search is slow" in home
    assert "declare-incident-home-button" in home
    assert f"<#{channel_id}>" in home


def test_declaring_from_the_global_shortcut(slack):
    alice = slack.actor("alice")
    assert alice.global_shortcut("declare-incident").ok
    view = slack.open_views(slack.user_id("alice"))[-1]
    assert alice.submit_view(view["id"], {"title": {"title": "Login is broken"}}).ok
    assert Incident.objects.get().title == "Login is broken"
    # No channel to answer in: the confirmation arrives as a direct message.
    slack.wait_for(
        lambda: any(
            "declared" in m["text"]
            for c in slack.channels()
            if c.get("is_im")
            for m in slack.messages(c["id"])
        )
    )


def test_manifest_for_socket_mode_and_http():
    socket = build_manifest()
    assert socket["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in socket["settings"]["interactivity"]
    http = build_manifest(http_base_url="https://response.example.com/")
    url = "https://response.example.com/slack/events"
    assert http["settings"]["socket_mode_enabled"] is False
    assert http["settings"]["event_subscriptions"]["request_url"] == url
    assert http["settings"]["interactivity"]["request_url"] == url
    assert http["features"]["slash_commands"][0]["url"] == url
    assert set(BOT_EVENTS) <= set(http["settings"]["event_subscriptions"]["bot_events"])
    assert "commands" in http["oauth_config"]["scopes"]["bot"]


def test_slack_manifest_command(tmp_path):
    response = str(Path(sys.executable).parent / "response")
    result = subprocess.run(
        [response, "slack-manifest", "--http", "https://r.example.com"],
        capture_output=True,
        text=True,
        env={"RESPONSE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads(result.stdout)
    assert manifest["features"]["slash_commands"][0]["command"] == "/incident"
