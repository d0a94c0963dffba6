"""PagerDuty, end to end: signed Slack deliveries to the real endpoint, the real work engine,
the local fake PagerDuty over real HTTP, and its signed webhooks to the live server."""

from __future__ import annotations

import importlib
import json
import sys
import urllib.error
import urllib.request

import pytest

from fakes.pagerduty import FakePagerDuty, signature
from response.core import verbs
from response.core.models import Incident, TimelineEvent
from response.engine.models import Job
from response.integrations.pagerduty import blocks
from response.integrations.pagerduty.models import Page, Service, WebhookDelivery
from response.slack.decorators import isolated_registries
from response.slack.models import HeadlinePost
from tests.slack.helpers import (
    HOSTILE,
    declare_in_slack,
    headline_blocks,
    mention,
    unescaped_user_text,
)

PLUGIN = "response.integrations.pagerduty.plugin"


@pytest.fixture
def pagerduty(live_server, settings):
    with FakePagerDuty(token="pd-token", webhook_secret="pd-secret") as fake:
        fake.add_service("Payments", on_call=["Dana Scully"])
        fake.add_service("Database", on_call=["Fox Mulder", "Walter Skinner"])
        fake.webhook_url = f"{live_server.url}/integrations/pagerduty/webhook"
        settings.PAGERDUTY_API_TOKEN = fake.token
        settings.PAGERDUTY_FROM_EMAIL = "response@example.com"
        settings.PAGERDUTY_WEBHOOK_SECRET = fake.webhook_secret
        settings.PAGERDUTY_API_URL = fake.url
        yield fake


@pytest.fixture
def plugin(slack, pagerduty):
    """The integration's Slack building blocks, loaded as `response run` loads them."""
    with isolated_registries():
        if PLUGIN in sys.modules:
            yield importlib.reload(sys.modules[PLUGIN])
        else:
            yield importlib.import_module(PLUGIN)


def channel_texts(slack, channel_id):
    return [m["text"] for m in slack.messages(channel_id)]


def press_page_button(slack, incident, user="bob"):
    slack.wait_for(lambda: blocks.PAGE_BUTTON in str(headline_blocks(slack, incident)))
    post = HeadlinePost.objects.get(incident=incident)
    assert slack.actor(user).click(post.channel_id, post.message_ts, blocks.PAGE_BUTTON).ok
    return slack.open_views(slack.user_id(user))[-1]


def modal_with_services(slack, view_id):
    """The modal once it lists the services (refreshed in place after PagerDuty answered)."""
    slack.wait_for(lambda: blocks.SERVICE in json.dumps(slack.view(view_id)["blocks"]))
    return slack.view(view_id)


def submit_page(slack, view_id, service_id, user="bob", urgency="high", message="Checkout down"):
    return slack.actor(user).submit_view(
        view_id,
        {
            blocks.SERVICE: {blocks.SERVICE: service_id},
            blocks.URGENCY: {blocks.URGENCY: urgency},
            blocks.MESSAGE: {blocks.MESSAGE: message},
        },
    )


def created_incidents(pagerduty):
    return pagerduty.received("POST", "/incidents$")


def test_page_on_call_ack_back_and_resolve(slack, plugin, pagerduty, worker):
    incident, channel_id = declare_in_slack(slack)

    # The button opens the modal at once; it fills in when PagerDuty has listed its services.
    view = press_page_button(slack, incident)
    view = modal_with_services(slack, view["id"])
    options = next(b for b in view["blocks"] if b.get("block_id") == blocks.SERVICE)["element"]
    assert [o["text"]["text"] for o in options["options"]] == [
        "Database (on call: Fox Mulder, Walter Skinner)",
        "Payments (on call: Dana Scully)",
    ]

    # Submitted: paged in PagerDuty, on the timeline and in the channel.
    assert submit_page(slack, view["id"], "PSVC001").ok
    slack.wait_for(lambda: Page.objects.filter(status=Page.Status.TRIGGERED).exists())
    [request] = created_incidents(pagerduty)
    sent = request.json()["incident"]
    assert sent["service"]["id"] == "PSVC001" and sent["urgency"] == "high"
    page = Page.objects.get()
    assert sent["incident_key"] == f"response/response.example.com/{incident.pk}/PSVC001/{page.pk}"
    assert sent["body"]["details"] == "Checkout down"
    assert request.header("From") == "response@example.com"
    page = Page.objects.get()
    assert page.pagerduty_incident_id == "PINC0001"
    entry = TimelineEvent.objects.get(incident=incident, source=f"pagerduty:page:{page.pk}")
    assert entry.text == "Paged Payments on-call (high urgency)" and entry.url == page.html_url
    slack.wait_for(
        lambda: any(
            "Paged Payments on-call (high urgency)" in t for t in channel_texts(slack, channel_id)
        )
    )
    slack.wait_for(lambda: "📟 Paging Payments on-call…" in str(slack.ephemeral()))

    # Acknowledged in PagerDuty: its signed webhook brings it back.
    assert pagerduty.acknowledge("PINC0001", by="Dana Scully") == 200
    page.refresh_from_db()
    assert page.status == Page.Status.ACKNOWLEDGED
    assert TimelineEvent.objects.filter(
        incident=incident, text="PagerDuty page of Payments acknowledged by Dana Scully"
    ).exists()
    slack.wait_for(
        lambda: any("acknowledged by Dana Scully" in t for t in channel_texts(slack, channel_id))
    )

    # Resolving the incident offers to resolve the page; pressing it resolves it in PagerDuty.
    verbs.resolve_incident(incident, by=None)
    slack.wait_for(
        lambda: any("still has open pages" in t for t in channel_texts(slack, channel_id))
    )
    offer = next(m for m in slack.messages(channel_id) if "still has open pages" in m["text"])
    assert slack.actor("alice").click(channel_id, offer["ts"], blocks.RESOLVE_PAGES_BUTTON).ok
    slack.wait_for(lambda: pagerduty.incidents["PINC0001"].status == "resolved")
    slack.wait_for(lambda: Page.objects.get().status == Page.Status.RESOLVED)
    assert worker.settled()
    # Resolved once on the timeline: by our call, and PagerDuty's webhook about it said nothing new.
    assert [r.json() for r in pagerduty.received("PUT", "/incidents/PINC0001")] == [
        {"incident": {"type": "incident_reference", "status": "resolved"}}
    ]
    resolved = TimelineEvent.objects.filter(
        incident=incident, source__startswith="pagerduty:resolved"
    )
    assert resolved.count() == 1
    assert [status for status, _ in pagerduty.webhooks] == [200, 200]
    assert sum("page of Payments resolved" in t for t in channel_texts(slack, channel_id)) == 1
    # A resolved incident's headline offers no paging, nor does the command.
    slack.wait_for(lambda: blocks.PAGE_BUTTON not in str(headline_blocks(slack, incident)))
    mention(slack, "bob", channel_id, "page")
    slack.wait_for(lambda: "reopen it to page someone" in str(slack.ephemeral()))


def test_resolving_through_an_outage_resolves_once(slack, plugin, pagerduty, worker):
    incident, channel_id = declare_in_slack(slack)
    view = modal_with_services(slack, press_page_button(slack, incident)["id"])
    assert submit_page(slack, view["id"], "PSVC001").ok
    slack.wait_for(lambda: Page.objects.filter(status=Page.Status.TRIGGERED).exists())
    verbs.resolve_incident(incident, by=None)
    slack.wait_for(
        lambda: any("still has open pages" in t for t in channel_texts(slack, channel_id))
    )
    offer = next(m for m in slack.messages(channel_id) if "still has open pages" in m["text"])
    pagerduty.outage(500)
    alice = slack.actor("alice")
    assert alice.click(channel_id, offer["ts"], blocks.RESOLVE_PAGES_BUTTON).ok
    assert alice.click(channel_id, offer["ts"], blocks.RESOLVE_PAGES_BUTTON).ok  # impatient
    slack.wait_for(lambda: Job.objects.filter(waiting_on="pagerduty").exists())
    pagerduty.recover()
    slack.wait_for(lambda: Page.objects.get().status == Page.Status.RESOLVED, timeout=30)
    assert worker.settled()
    assert len(pagerduty.received("PUT", "/incidents/PINC0001")) == 1
    assert pagerduty.incidents["PINC0001"].status == "resolved"
    assert TimelineEvent.objects.filter(source__startswith="pagerduty:resolved").count() == 1


def test_pressing_twice_and_submitting_twice_pages_once(slack, plugin, pagerduty, worker):
    incident, _channel_id = declare_in_slack(slack)
    first = modal_with_services(slack, press_page_button(slack, incident, "bob")["id"])
    second = modal_with_services(slack, press_page_button(slack, incident, "carol")["id"])
    assert submit_page(slack, first["id"], "PSVC002", user="bob").ok
    assert submit_page(slack, second["id"], "PSVC002", user="carol").ok
    assert worker.settled()
    assert len(created_incidents(pagerduty)) == 1
    assert Page.objects.count() == 1
    assert (
        TimelineEvent.objects.filter(incident=incident, text__startswith="Paged Database").count()
        == 1
    )
    slack.wait_for(lambda: "already paged" in str(slack.ephemeral()))


def test_an_outage_then_recovery_pages_each_once_in_order(slack, plugin, pagerduty, worker):
    incident, channel_id = declare_in_slack(slack)
    view = modal_with_services(slack, press_page_button(slack, incident)["id"])

    pagerduty.outage(503)
    assert submit_page(slack, view["id"], "PSVC001").ok
    slack.wait_for(lambda: Job.objects.filter(waiting_on="pagerduty").exists())
    # The modal still opens, from the services known, and says PagerDuty is not answering.
    second = modal_with_services(slack, press_page_button(slack, incident, "carol")["id"])
    assert "not answering" in json.dumps(slack.view(second["id"])["blocks"])
    assert submit_page(slack, second["id"], "PSVC002", user="carol").ok
    # Slack keeps working while PagerDuty is down.
    mention(slack, "alice", channel_id, "severity major")
    slack.wait_for(lambda: Incident.objects.filter(severity__slug="major").exists())
    assert created_incidents(pagerduty) == []

    pagerduty.recover()
    slack.wait_for(
        lambda: Page.objects.filter(status=Page.Status.TRIGGERED).count() == 2, timeout=30
    )
    assert worker.settled()
    assert [r.json()["incident"]["service"]["id"] for r in created_incidents(pagerduty)] == [
        "PSVC001",
        "PSVC002",
    ]
    assert (
        TimelineEvent.objects.filter(
            incident=incident, source__startswith="pagerduty:page:"
        ).count()
        == 2
    )


def test_a_lost_answer_pages_once(slack, plugin, pagerduty, worker):
    incident, _ = declare_in_slack(slack)
    view = modal_with_services(slack, press_page_button(slack, incident)["id"])
    pagerduty.drop_answers(1)  # PagerDuty creates the incident; its answer never arrives
    assert submit_page(slack, view["id"], "PSVC001").ok
    slack.wait_for(lambda: Page.objects.filter(status=Page.Status.TRIGGERED).exists(), timeout=30)
    assert worker.settled()
    assert len(pagerduty.incidents) == 1
    assert Page.objects.get().pagerduty_incident_id == "PINC0001"


def test_an_acknowledgement_that_overtakes_a_lost_answer_loses_nothing(
    slack, plugin, pagerduty, worker
):
    incident, _channel_id = declare_in_slack(slack)
    view = modal_with_services(slack, press_page_button(slack, incident)["id"])
    pagerduty.drop_answers(1)
    assert submit_page(slack, view["id"], "PSVC001").ok
    slack.wait_for(lambda: pagerduty.incidents)
    # Dana acknowledges before Response has heard PagerDuty's answer: found by its key.
    assert pagerduty.acknowledge("PINC0001", by="Dana Scully") == 200
    slack.wait_for(lambda: Page.objects.get().pagerduty_incident_id == "PINC0001", timeout=30)
    assert worker.settled()
    page = Page.objects.get()
    assert page.status == Page.Status.ACKNOWLEDGED
    assert len(pagerduty.incidents) == 1
    texts = set(TimelineEvent.objects.filter(incident=incident).values_list("text", flat=True))
    assert {
        "Paged Payments on-call (high urgency)",
        "PagerDuty page of Payments acknowledged by Dana Scully",
    } <= texts


def test_a_refused_page_is_said_where_the_person_acted(slack, plugin, pagerduty, settings, worker):
    incident, _channel_id = declare_in_slack(slack)
    view = modal_with_services(slack, press_page_button(slack, incident)["id"])
    settings.PAGERDUTY_FROM_EMAIL = ""  # PagerDuty refuses a change without a From
    assert submit_page(slack, view["id"], "PSVC001").ok
    slack.wait_for(lambda: Page.objects.filter(status=Page.Status.FAILED).exists())
    assert TimelineEvent.objects.filter(
        incident=incident, text__startswith="Paging Payments failed: Requester User Not Found"
    ).exists()
    slack.wait_for(lambda: "Paging Payments failed" in str(slack.ephemeral()))

    # Once the setting is fixed, the same service can be paged again.
    settings.PAGERDUTY_FROM_EMAIL = "response@example.com"
    view = modal_with_services(slack, press_page_button(slack, incident)["id"])
    assert submit_page(slack, view["id"], "PSVC001").ok
    slack.wait_for(lambda: Page.objects.filter(status=Page.Status.TRIGGERED).exists())
    assert len(pagerduty.incidents) == 1
    assert Page.objects.filter(status=Page.Status.FAILED).count() == 1


def test_a_refused_listing_is_said_in_the_modal(slack, plugin, pagerduty, settings, worker):
    incident, _ = declare_in_slack(slack)
    settings.PAGERDUTY_API_TOKEN = "revoked"
    view = press_page_button(slack, incident)
    slack.wait_for(lambda: "refused to list its services" in json.dumps(slack.view(view["id"])))
    assert "Unauthorized" in json.dumps(slack.view(view["id"]))
    assert not Job.objects.filter(state=Job.State.DEAD).exists()


def test_the_modal_says_when_pagerduty_cannot_list_its_services(slack, plugin, pagerduty, worker):
    incident, _ = declare_in_slack(slack)
    pagerduty.outage(503)
    view = press_page_button(slack, incident)
    slack.wait_for(
        lambda: "PagerDuty is not answering" in json.dumps(slack.view(view["id"])), timeout=15
    )
    assert not slack.view(view["id"]).get("submit")  # nothing to choose from yet
    pagerduty.recover()
    modal_with_services(slack, press_page_button(slack, incident)["id"])


def test_page_command_lists_services_with_a_button_each(slack, plugin, pagerduty, worker):
    incident, channel_id = declare_in_slack(slack)
    mention(slack, "bob", channel_id, "page")  # the first time: nothing known, a refresh queued
    slack.wait_for(lambda: Service.objects.count() == 2)
    mention(slack, "bob", channel_id, "page data")
    slack.wait_for(lambda: "Fox Mulder" in str(slack.ephemeral(channel=channel_id)))
    listing = [e for e in slack.ephemeral(channel=channel_id) if "Fox Mulder" in str(e)][-1]
    assert "Payments" not in str(listing)
    # Its button opens the modal with the service chosen.
    button = next(
        b["accessory"] for b in listing["blocks"] if b.get("accessory", {}).get("action_id")
    )
    assert button["value"] == f"{incident.pk}:PSVC002"
    assert slack.actor("bob").click(channel_id, listing["ts"], blocks.PAGE_SERVICE_BUTTON).ok
    view = slack.open_views(slack.user_id("bob"))[-1]
    chosen = next(b for b in view["blocks"] if b.get("block_id") == blocks.SERVICE)
    assert chosen["element"]["initial_option"]["value"] == "PSVC002"
    assert slack.actor("bob").submit_view(view["id"]).ok  # the service chosen, the title
    slack.wait_for(lambda: Page.objects.filter(status=Page.Status.TRIGGERED).exists())
    [request] = created_incidents(pagerduty)
    assert request.json()["incident"]["service"]["id"] == "PSVC002"
    assert request.json()["incident"]["body"]["details"] == "Checkout is failing"


# --- Webhooks ---------------------------------------------------------------------------------


def post_webhook(url, body: bytes, signature_header: str | None):
    headers = {"Content-Type": "application/json"}
    if signature_header is not None:
        headers["X-PagerDuty-Signature"] = signature_header
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def acknowledgement(page_id, event_id="01EVENT"):
    return {
        "event": {
            "id": event_id,
            "event_type": "incident.acknowledged",
            "resource_type": "incident",
            "agent": {"summary": "Dana Scully"},
            "data": {"id": page_id, "type": "incident", "status": "acknowledged"},
        }
    }


@pytest.fixture
def paged(transactional_db, live_server, settings):
    settings.PAGERDUTY_WEBHOOK_SECRET = "pd-secret"
    incident = verbs.declare_incident(title="Checkout is failing", by=None)
    page = Page.objects.create(
        incident=incident,
        service_id="PSVC001",
        service_name="Payments",
        status=Page.Status.TRIGGERED,
        pagerduty_incident_id="PINC0001",
    )
    return page, f"{live_server.url}/integrations/pagerduty/webhook"


def test_a_bad_signature_is_refused_and_nothing_recorded(paged):
    page, url = paged
    body = json.dumps(acknowledgement("PINC0001")).encode()
    assert post_webhook(url, body, signature(body, "not-the-secret")) == 401
    assert post_webhook(url, body, None) == 401
    assert post_webhook(url, body + b" ", signature(body, "pd-secret")) == 401
    assert not WebhookDelivery.objects.exists()
    page.refresh_from_db()
    assert page.status == Page.Status.TRIGGERED
    assert not TimelineEvent.objects.filter(source__startswith="pagerduty:").exists()


def test_a_redelivered_webhook_counts_once(paged):
    page, url = paged
    body = json.dumps(acknowledgement("PINC0001")).encode()
    assert post_webhook(url, body, signature(body, "pd-secret")) == 200
    assert post_webhook(url, body, signature(body, "pd-secret")) == 200
    page.refresh_from_db()
    assert page.status == Page.Status.ACKNOWLEDGED
    assert TimelineEvent.objects.filter(source=f"pagerduty:acknowledged:{page.pk}").count() == 1
    assert Job.objects.filter(kind="slack.comms_message").count() <= 1
    assert WebhookDelivery.objects.count() == 1


def test_a_reassignment_names_the_new_assignees(paged):
    page, url = paged
    event = acknowledgement("PINC0001", event_id="03REASSIGN")
    event["event"]["event_type"] = "incident.reassigned"
    event["event"]["data"]["assignees"] = [{"summary": "Fox Mulder"}]
    body = json.dumps(event).encode()
    assert post_webhook(url, body, signature(body, "pd-secret")) == 200
    assert TimelineEvent.objects.filter(
        incident=page.incident, text="PagerDuty page of Payments reassigned by Fox Mulder"
    ).exists()


def test_a_webhook_for_someone_elses_incident_is_acknowledged_and_ignored(paged):
    _, url = paged
    body = json.dumps(acknowledgement("PNOTOURS", event_id="02OTHER")).encode()
    assert post_webhook(url, body, signature(body, "pd-secret")) == 200
    assert not TimelineEvent.objects.filter(source__startswith="pagerduty:").exists()


def test_a_webhook_costs_a_few_queries(paged, client, django_assert_max_num_queries):
    """Recorded (in a savepoint: a redelivery is refused there), the page found and changed,
    the timeline entry (the verb's lock, row and audit row), the channel's message queued: one
    transaction (SQLite adds its BEGIN)."""
    body = json.dumps(acknowledgement("PINC0001", event_id="04COUNTED")).encode()
    with django_assert_max_num_queries(15):
        response = client.post(
            "/integrations/pagerduty/webhook",
            data=body,
            content_type="application/json",
            headers={"X-PagerDuty-Signature": signature(body, "pd-secret")},
        )
    assert response.status_code == 200


def test_names_from_pagerduty_are_escaped_in_everything_sent_to_slack(
    slack, plugin, pagerduty, worker
):
    hostile = pagerduty.add_service(HOSTILE, on_call=[HOSTILE])
    incident, channel_id = declare_in_slack(slack)
    view = modal_with_services(slack, press_page_button(slack, incident)["id"])
    assert submit_page(slack, view["id"], hostile).ok
    slack.wait_for(lambda: Page.objects.filter(status=Page.Status.TRIGGERED).exists())
    assert pagerduty.acknowledge("PINC0001", by=HOSTILE) == 200
    mention(slack, "bob", channel_id, "page")
    verbs.resolve_incident(incident, by=None)
    slack.wait_for(
        lambda: any("still has open pages" in t for t in channel_texts(slack, channel_id))
    )
    assert worker.settled()
    sent = {
        "calls": [{"method": c.method, "args": c.args} for c in slack.calls()],
        "ephemeral": slack.ephemeral(),
        "views": slack.views(),
    }
    assert "&lt;!channel&gt;" in json.dumps(sent)  # the names were sent, escaped
    assert unescaped_user_text(sent) == []
