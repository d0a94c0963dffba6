"""GET /metrics through the live server: for scrapers with the token only, and the counters
move when Slack deliveries arrive, the worker calls Slack and reminders go out."""

from __future__ import annotations

import json
import time
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone
from slack_sdk.signature import SignatureVerifier

from response.core.models import Incident
from response.slack.models import CommsChannel
from tests.notifications.helpers import run_due_notifications
from tests.observability.scraping import TOKEN, get, scrape, value
from tests.slack.helpers import declare_in_slack, mention


@pytest.fixture
def metrics_on(settings):
    settings.RESPONSE_METRICS_TOKEN = TOKEN


def test_without_the_setting_there_is_no_metrics_page(live_server, settings):
    settings.RESPONSE_METRICS_TOKEN = ""
    status, _ = get(f"{live_server.url}/metrics", {"Authorization": f"Bearer {TOKEN}"})
    assert status == 404


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x"]
)
def test_without_the_token_the_answer_is_401(live_server, metrics_on, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    status, body = get(f"{live_server.url}/metrics", headers)
    assert status == 401
    assert "response_" not in body


def test_deliveries_acknowledgements_and_slack_calls_are_counted(slack, worker, metrics_on):
    before = scrape(slack_url := _base(slack))
    incident, channel_id = declare_in_slack(slack)
    mention(slack, "alice", channel_id, "severity critical")
    slack.wait_for(lambda: Incident.objects.get(pk=incident.pk).severity is not None)
    assert worker.settled()
    after = scrape(slack_url)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("response_slack_deliveries_total", type="command", outcome="recorded") == 1
    assert moved("response_slack_deliveries_total", type="view_submission", outcome="recorded") == 1
    assert moved("response_slack_deliveries_total", type="app_mention", outcome="recorded") == 1
    # Every delivery answered over HTTP was timed: the slash command, the modal, the events.
    assert moved("response_slack_ack_seconds_count", kind="interaction") >= 2
    assert moved("response_slack_ack_seconds_count", kind="event") >= 1
    assert moved("response_slack_ack_seconds_bucket", kind="event", le="+Inf") >= 1
    # The request path's one call, and the worker's.
    assert moved("response_slack_api_calls_total", method="views.open", outcome="ok") == 1
    assert moved("response_slack_api_calls_total", method="conversations.create", outcome="ok") >= 1
    assert moved("response_slack_api_calls_total", method="chat.postMessage", outcome="ok") >= 1
    # Gauges from the database.
    assert value(after, "response_incidents_open", severity="critical") == 1
    assert value(after, "response_incidents_open", severity="unset") == 0
    assert value(after, "response_jobs_dead") == 0


def test_a_redelivery_is_counted_as_one(slack, metrics_on):
    base = _base(slack)
    before = scrape(base)
    body = {
        "type": "event_callback",
        "team_id": slack.team_id,
        "api_app_id": slack.api_app_id,
        "event_id": "Ev0METRICS1",
        "event_time": int(time.time()),
        "event": {
            "type": "member_joined_channel",
            "user": slack.user_id("bob"),
            "channel": slack.channel_id("general"),
            "event_ts": f"{time.time():.6f}",
        },
    }
    for _ in range(2):
        assert _post_signed(slack, base, body) == 200
    after = scrape(base)
    labels = {"type": "member_joined_channel"}
    recorded = value(after, "response_slack_deliveries_total", **labels, outcome="recorded")
    assert (
        recorded - value(before, "response_slack_deliveries_total", **labels, outcome="recorded")
        == 1
    )
    again = value(after, "response_slack_deliveries_total", **labels, outcome="redelivery")
    assert (
        again - value(before, "response_slack_deliveries_total", **labels, outcome="redelivery")
        == 1
    )


def test_unsigned_deliveries_are_counted(slack, metrics_on):
    base = _base(slack)
    before = scrape(base)
    request = urllib.request.Request(
        f"{base}/slack/events", data=b"{}", headers={"Content-Type": "application/json"}
    )
    status, _ = _send(request)
    assert status == 401
    after = scrape(base)
    key = {"type": "unknown", "outcome": "unsigned"}
    assert (
        value(after, "response_slack_deliveries_total", **key)
        - value(before, "response_slack_deliveries_total", **key)
        == 1
    )


def test_rate_limited_calls_are_counted(slack, worker, metrics_on):
    incident, channel_id = declare_in_slack(slack)
    assert worker.settled()
    base = _base(slack)
    before = scrape(base)
    slack.faults.add(method="chat.postMessage", status=429, retry_after=1, count=2)
    CommsChannel.objects.get(incident=incident).post_in_channel("after the storm")
    slack.wait_for(lambda: "after the storm" in [m["text"] for m in slack.messages(channel_id)])
    after = scrape(base)
    labels = {"method": "chat.postMessage"}
    limited = value(after, "response_slack_api_calls_total", **labels, outcome="rate_limited")
    assert (
        limited - value(before, "response_slack_api_calls_total", **labels, outcome="rate_limited")
        == 2
    )


def test_dead_jobs_and_waiting_jobs_are_gauged(live_server, metrics_on, settings):
    from response.engine.models import Job

    Job.objects.create(
        kind="slack.call", lane="channel:C1", state=Job.State.DEAD, done_at=timezone.now()
    )
    Job.objects.create(
        kind="slack.call", lane="channel:C2", not_before=timezone.now() - timedelta(minutes=5)
    )
    samples = scrape(live_server.url)
    assert value(samples, "response_jobs_dead") == 1
    assert value(samples, "response_jobs", kind="slack.call", state="dead") == 1
    assert value(samples, "response_jobs", kind="slack.call", state="pending") == 1
    assert value(samples, "response_jobs_oldest_waiting_seconds", kind="slack.call") >= 299


def test_reminders_sent_are_counted(slack, worker, metrics_on):
    declare_in_slack(slack)
    base = _base(slack)
    before = scrape(base)
    result = run_due_notifications(now=timezone.now() + timedelta(minutes=3))
    assert result.sent >= 1
    after = scrape(base)
    sent = [
        (dict(labels)["reminder"], after[(name, labels)] - before.get((name, labels), 0))
        for name, labels in after
        if name == "response_reminders_sent_total"
    ]
    assert any(key.endswith("no_lead") and n == 1 for key, n in sent), sent


def _base(slack) -> str:
    return slack.app_config.request_url.removesuffix("/slack/events")


def _post_signed(slack, base: str, body: dict) -> int:
    raw = json.dumps(body).encode()
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(slack.signing_secret).generate_signature(
        timestamp=timestamp, body=raw
    )
    request = urllib.request.Request(
        f"{base}/slack/events",
        data=raw,
        headers={
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature,
        },
    )
    return _send(request)[0]


def _send(request: urllib.request.Request) -> tuple[int, str]:
    import urllib.error

    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
