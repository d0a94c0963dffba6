"""`response run` with Slack credentials (Socket Mode): web, worker and Slack in one process."""

import os
import sys
from pathlib import Path

import pytest

from fakeslack import FakeSlack
from tests.processes import Running
from tests.slack.fixtures import configure_app

RESPONSE = str(Path(sys.executable).parent / "response")


@pytest.mark.slow
def test_response_run_over_socket_mode_declares_and_posts_the_headline(tmp_path):
    slack = FakeSlack().start()
    configure_app(slack, socket_mode=True)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        RESPONSE_DATA_DIR=str(tmp_path),
        SLACK_BOT_TOKEN=slack.bot_token,
        SLACK_SIGNING_SECRET=slack.signing_secret,
        SLACK_APP_TOKEN=slack.app_token,
        SLACK_API_URL=slack.api_url,
        RESPONSE_LOG_LEVEL="WARNING",
    )
    try:
        with Running([RESPONSE, "run", "--port", "0"], env=env) as run:
            _declare_over_a_socket(slack)
            assert run.interrupt() == 0, run.output
    finally:
        slack.stop()
    assert "Socket Mode (SLACK_APP_TOKEN is set)" in run.output
    # The start-up line: what it connected to, and never a token.
    assert (
        f"Slack: @response in Acme Corp (Socket Mode); database: SQLite "
        f"{tmp_path / 'response.sqlite3'}; queue: SQLite {tmp_path / 'queue.sqlite3'}"
    ) in run.output
    assert slack.bot_token not in run.output and slack.app_token not in run.output


def _declare_over_a_socket(slack) -> None:
    assert slack.wait_for_socket(timeout=60), "Response did not connect over Socket Mode"
    alice = slack.actor("alice")
    assert alice.slash_command("/incident", "Declared over a socket", channel="general").ok
    view = slack.open_views(slack.user_id("alice"))[-1]
    assert alice.submit_view(view["id"]).ok
    slack.wait_for(lambda: slack.messages("incidents"), timeout=30)
    assert "Declared over a socket" in slack.messages("incidents")[-1]["text"]
    assert all(d.transport == "socket" for d in slack.deliveries())
