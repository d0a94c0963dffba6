"""Socket Mode deliveries meet the same checks as signed HTTP ones: whatever arrives over the
socket is acknowledged (never left to time out and be sent again), and good deliveries after bad
ones are applied."""

from __future__ import annotations

import pytest

from response.core.models import Incident
from response.slack import http
from response.slack.inbox import EVENT_INBOX
from response.slack.socket_mode import start_socket_mode


@pytest.fixture
def socket_slack(fakeslack, settings, worker):
    settings.SLACK_BOT_TOKEN = fakeslack.bot_token
    settings.SLACK_SIGNING_SECRET = fakeslack.signing_secret
    settings.SLACK_APP_TOKEN = fakeslack.app_token
    settings.SLACK_API_URL = fakeslack.api_url
    http.reset()
    # No retries: a delivery left unacknowledged shows as an error instead of being sent again.
    fakeslack.configure_app(socket_mode=True, retries=False, ack_timeout=10)
    handler = start_socket_mode()
    try:
        assert fakeslack.wait_for_socket(timeout=30)
        yield fakeslack
    finally:
        handler.close()
        http.reset()
        EVENT_INBOX.release_connection()


def bad_interactions(user_id: str) -> list[dict]:
    user = {"id": user_id, "team_id": "T0"}
    return [
        {"type": "block_actions", "user": user, "actions": []},
        {"type": "block_actions", "user": user, "actions": [{"action_id": 7, "value": []}]},
        {"type": "view_submission", "user": user, "view": {"id": "V0", "state": []}},
        {"type": "shortcut", "user": user, "callback_id": {"nested": True}},
        {"type": 5},
    ]


def test_bad_deliveries_over_the_socket_are_acknowledged_and_good_ones_applied(socket_slack):
    slack = socket_slack
    alice = slack.user_id("alice")
    answers = [slack.dispatcher.interaction(p) for p in bad_interactions(alice)]
    answers.append(
        slack.dispatcher.command(
            {"command": "/incident", "text": "x", "user_id": "not a user", "channel_id": "C0"},
            trigger_id="1.2.3",
        )
    )
    answers += slack.emit({"type": "app_mention", "text": "severity critical"})  # no channel
    assert [(a.payload, a.error) for a in answers if not a.ok] == []

    # The socket still serves: a declaration goes through.
    person = slack.actor("alice")
    assert person.slash_command("/incident", "Declared over the socket", channel="general").ok
    view = slack.open_views(alice)[-1]
    assert person.submit_view(view["id"]).ok
    slack.wait_for(lambda: Incident.objects.filter(title="Declared over the socket").exists())
    slack.wait_for(lambda: slack.messages("incidents"), timeout=20)
