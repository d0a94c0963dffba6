"""Alerts become triage incidents, end to end: a fake Alertmanager posts to the live server,
the real engine runs, fakeslack shows the triage post, and people accept, decline or merge it
with its buttons."""

from __future__ import annotations

import threading

from response.core.models import Incident, Status, TimelineEvent
from response.integrations.alerts.blocks import ACCEPT, DECLINE, MERGE
from response.integrations.alerts.models import Alert, TriagePost
from response.integrations.alerts.record import RESOLVED_REASON
from response.slack.models import CommsChannel, HeadlinePost
from tests.integrations import alerts_helpers
from tests.integrations.alerts_helpers import (
    TRIAGE_CHANNEL,
    action_ids,
    post_text,
    triage_post,
    unused_url,
)
from tests.slack.helpers import declare_in_slack

alerts_plugin = alerts_helpers.alerts_plugin
alertmanager = alerts_helpers.alertmanager


def fire_disk_full(manager) -> Incident:
    manager.fire("DiskFull", severity="critical", summary="/ is 99% full on db1")
    delivery = manager.notify()
    assert delivery.accepted
    return Incident.objects.get(alerts__name="DiskFull", status=Status.TRIAGE)


def test_an_alert_sent_twice_opens_one_triage_incident_and_one_post(slack, worker, alertmanager):
    incident = fire_disk_full(alertmanager)
    assert alertmanager.notify().accepted  # Alertmanager resends firing alerts

    assert Incident.objects.count() == 1
    assert incident.status == Status.TRIAGE
    assert Alert.objects.get().times_received == 2
    post = triage_post(slack, incident)
    assert worker.settled()
    assert TriagePost.objects.get().channel_id == slack.channel_id(TRIAGE_CHANNEL)
    assert len(slack.messages(TRIAGE_CHANNEL)) == 1
    assert action_ids(slack.message(TRIAGE_CHANNEL, post["ts"])) == [ACCEPT, DECLINE, MERGE]
    assert "DiskFull" in post_text(post) and "/ is 99% full on db1" in post_text(post)
    # Not an incident yet: no channel, no headline, no reminders.
    assert not CommsChannel.objects.exists()
    assert not HeadlinePost.objects.exists()
    assert slack.messages("incidents") == []


def test_accepting_declares_it_with_a_channel_and_a_headline(slack, worker, alertmanager):
    incident = fire_disk_full(alertmanager)
    post = triage_post(slack, incident)
    # Two people press Accept at once (neither screen shows the other's yet).
    clicks = [
        threading.Thread(target=slack.actor(name).click, args=(TRIAGE_CHANNEL, post["ts"], ACCEPT))
        for name in ("bob", "carol")
    ]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join()

    slack.wait_for(lambda: CommsChannel.objects.filter(incident=incident).exists(), timeout=10)
    slack.wait_for(lambda: HeadlinePost.objects.filter(incident=incident).exists())
    incident.refresh_from_db()
    assert incident.status == Status.INVESTIGATING
    accepter = incident.reporter.external_id
    assert accepter in {slack.user_id("bob"), slack.user_id("carol")}
    slack.wait_for(
        lambda: f"Accepted by <@{accepter}>" in post_text(slack.message(TRIAGE_CHANNEL, post["ts"]))
    )
    assert action_ids(slack.message(TRIAGE_CHANNEL, post["ts"])) == []
    # The other press declares nothing twice, and says why.
    # (Ephemeral in the triage channel; as a DM here, where they have not joined it.)
    slack.wait_for(lambda: "not in triage any more" in str(slack.calls("chat.postEphemeral")))
    assert worker.settled()
    assert CommsChannel.objects.count() == 1 and HeadlinePost.objects.count() == 1


def test_declining_asks_why_and_closes_it(slack, worker, alertmanager):
    incident = fire_disk_full(alertmanager)
    post = triage_post(slack, incident)
    carol = slack.actor("carol")
    assert carol.click(TRIAGE_CHANNEL, post["ts"], DECLINE).ok
    view = slack.open_views(slack.user_id("carol"))[-1]
    refused = carol.submit_view(view["id"], {"reason": {"reason": "  "}})
    assert refused.body["response_action"] == "errors"
    assert carol.submit_view(view["id"], {"reason": {"reason": "Known flaky disk check"}}).ok

    incident.refresh_from_db()
    assert incident.status == Status.DECLINED and incident.is_closed()
    assert incident.timeline_events.filter(text="Declined: Known flaky disk check").exists()
    slack.wait_for(
        lambda: "Known flaky disk check" in post_text(slack.message(TRIAGE_CHANNEL, post["ts"]))
    )
    assert action_ids(slack.message(TRIAGE_CHANNEL, post["ts"])) == []
    assert worker.settled()
    assert not CommsChannel.objects.exists() and not HeadlinePost.objects.exists()


def test_merging_notes_it_on_the_open_incident_and_closes_it(slack, worker, alertmanager):
    target, _ = declare_in_slack(slack, title="Database is slow")
    incident = fire_disk_full(alertmanager)
    post = triage_post(slack, incident)
    dave = slack.actor("dave")
    assert dave.click(TRIAGE_CHANNEL, post["ts"], MERGE).ok
    view = slack.open_views(slack.user_id("dave"))[-1]
    assert f"#{target.pk} Database is slow" in str(view["blocks"])
    assert dave.submit_view(view["id"], {"into": {"into": str(target.pk)}}).ok

    incident.refresh_from_db()
    assert incident.status == Status.DECLINED
    assert target.timeline_events.filter(
        text=f"Alert merged in from triage incident #{incident.pk}: DiskFull"
    ).exists()
    slack.wait_for(
        lambda: (
            f"Merged into incident #{target.pk}"
            in post_text(slack.message(TRIAGE_CHANNEL, post["ts"]))
        )
    )
    assert worker.settled()
    assert CommsChannel.objects.count() == 1  # the target's only


def test_a_resolved_alert_is_noted_and_closes_its_triage_incident(slack, worker, alertmanager):
    incident = fire_disk_full(alertmanager)
    post = triage_post(slack, incident)
    alertmanager.resolve(next(iter(alertmanager.alerts)))
    assert alertmanager.notify().accepted

    incident.refresh_from_db()
    assert incident.status == Status.DECLINED
    texts = list(incident.timeline_events.values_list("text", flat=True))
    assert "Alert resolved: DiskFull" in texts and f"Declined: {RESOLVED_REASON}" in texts
    slack.wait_for(
        lambda: (
            "Resolved" in post_text(slack.message(TRIAGE_CHANNEL, post["ts"]))
            and RESOLVED_REASON in post_text(slack.message(TRIAGE_CHANNEL, post["ts"]))
        )
    )

    # Firing again after its incident was closed: a new problem, a new triage incident.
    again = fire_disk_full(alertmanager)
    assert again.pk != incident.pk
    assert list(Alert.objects.order_by("generation").values_list("generation", "is_current")) == [
        (1, False),
        (2, True),
    ]


def test_a_resolved_alert_on_an_accepted_incident_is_a_timeline_note(slack, worker, alertmanager):
    incident = fire_disk_full(alertmanager)
    post = triage_post(slack, incident)
    assert slack.actor("bob").click(TRIAGE_CHANNEL, post["ts"], ACCEPT).ok
    slack.wait_for(lambda: CommsChannel.objects.filter(incident=incident).exists(), timeout=10)
    alertmanager.resolve(next(iter(alertmanager.alerts)))
    assert alertmanager.notify().accepted

    incident.refresh_from_db()
    assert incident.status == Status.INVESTIGATING  # people decide when an incident is over
    assert TimelineEvent.objects.filter(incident=incident, text="Alert resolved: DiskFull").exists()


def test_response_down_then_back_nothing_lost_nothing_twice(slack, worker, alertmanager):
    live_url = alertmanager.url
    alertmanager.url = unused_url()  # Response is down
    alertmanager.fire("DiskFull", severity="critical")
    alertmanager.fire("HighLatency", labels={"service": "checkout"})
    sent: list = []
    sender = threading.Thread(target=lambda: sent.append(alertmanager.notify(deadline=60)))
    sender.start()
    slack.wait_for(lambda: len(alertmanager.deliveries) >= 3, timeout=10)
    assert not Incident.objects.exists()

    alertmanager.url = live_url  # back up: the retry gets through
    sender.join(timeout=60)
    assert sent and sent[0].accepted
    assert [d.status for d in alertmanager.deliveries][-1] == 200
    assert {d.status for d in alertmanager.deliveries[:-1]} == {0}

    # Alertmanager resends; Slack is down meanwhile, then recovers: each post arrives once.
    slack.outage("503")
    assert alertmanager.notify().accepted
    slack.restore()
    assert worker.settled()
    assert sorted(Incident.objects.values_list("title", flat=True)) == ["DiskFull", "HighLatency"]
    assert Alert.objects.filter(times_received=2).count() == 2
    triage_messages = slack.messages(TRIAGE_CHANNEL)
    assert len(triage_messages) == 2
    assert TriagePost.objects.count() == 2


def test_grafana_and_generic_alerts_open_triage_incidents(
    slack, worker, alerts_plugin, live_server
):
    from fakes.service import FakeService
    from tests.integrations.alerts_helpers import GENERIC_TOKEN, GRAFANA_TOKEN

    server = live_server.url
    grafana = {
        "receiver": "response",
        "status": "firing",
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": "CPU high", "grafana_folder": "Infra"},
                "annotations": {"summary": "CPU above 90%"},
                "startsAt": "2026-11-30T06:59:00.123456789Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "https://grafana.example/alerting/grafana/abc/view",
                "fingerprint": "c0ffee",
                "values": {"B": 93.5},
                "dashboardURL": "https://grafana.example/d/xyz",
                "panelURL": "https://grafana.example/d/xyz?viewPanel=2",
            }
        ],
    }
    status, _ = FakeService.post_json(
        f"{server}/integrations/alerts/grafana",
        grafana,
        {"Authorization": f"Bearer {GRAFANA_TOKEN}"},
    )
    assert status == 200
    generic = {"id": "checkout-5xx", "title": "Checkout 5xx", "severity": "major"}
    for _ in range(2):
        status, _ = FakeService.post_json(
            f"{server}/integrations/alerts/generic",
            generic,
            {"Authorization": f"Bearer {GENERIC_TOKEN}"},
        )
        assert status == 200
    cpu = Incident.objects.get(title="CPU high")
    checkout = Incident.objects.get(title="Checkout 5xx")
    assert cpu.status == checkout.status == Status.TRIAGE
    assert checkout.severity is not None and checkout.severity.slug == "major"
    post = triage_post(slack, cpu)
    assert "https://grafana.example/d/xyz" in post_text(post) and "B=93.5" in post_text(post)
    triage_post(slack, checkout)
    assert worker.settled()
    assert len(slack.messages(TRIAGE_CHANNEL)) == 2


def test_a_lost_answer_from_slack_still_makes_one_triage_post(
    slack, worker, alertmanager, settings
):
    settings.RESPONSE_SLACK_TIMEOUT = 1.0
    slack.faults.add(method="chat.postMessage", lose_answer="drop", count=1, delay=0.0)
    incident = fire_disk_full(alertmanager)
    post = triage_post(slack, incident)
    assert worker.settled()
    assert [m["ts"] for m in slack.messages(TRIAGE_CHANNEL)] == [post["ts"]]
    # The retry looked for the post its first try made, and adopted it.
    assert slack.calls("conversations.history")
    assert len(slack.calls("chat.postMessage")) == 1
