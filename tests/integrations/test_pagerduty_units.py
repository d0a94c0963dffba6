"""PagerDuty's pure pieces: the webhook signature, the on-call mapping, the rendering, and the
client's one attempt per call (against the fake, over real HTTP)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from fakes.pagerduty import FakePagerDuty, signature
from response.engine.kinds import Retry
from response.integrations.http import Refused
from response.integrations.pagerduty import blocks
from response.integrations.pagerduty.client import judged, rest_client
from response.integrations.pagerduty.jobs import services_with_on_call
from response.integrations.pagerduty.models import page_key
from response.integrations.pagerduty.webhooks import event_of, signature_is_valid

BODY = b'{"event": {"id": "01", "event_type": "incident.acknowledged"}}'


def test_a_signature_made_with_the_secret_is_valid():
    assert signature_is_valid(BODY, signature(BODY, "s3cret"), "s3cret")


def test_any_of_several_signatures_may_match_while_a_secret_is_rotated():
    header = f"{signature(BODY, 'old')}, {signature(BODY, 's3cret')}"
    assert signature_is_valid(BODY, header, "s3cret")


@pytest.mark.parametrize(
    "header",
    [
        "",
        "v1=",
        "v1=deadbeef",
        signature(BODY, "other"),
        signature(BODY + b" ", "s3cret"),
        signature(BODY, "s3cret").replace("v1=", "v0="),
    ],
)
def test_anything_else_is_refused(header):
    assert not signature_is_valid(BODY, header, "s3cret")


def test_no_secret_configured_refuses_everything():
    assert not signature_is_valid(BODY, signature(BODY, ""), "")


def test_event_of_reads_only_v3_events():
    assert event_of(BODY) == {"id": "01", "event_type": "incident.acknowledged"}
    assert event_of(b"not json") is None
    assert event_of(b'{"messages": []}') is None  # a v2 webhook
    assert event_of(b'{"event": {"id": 1}}') is None


def test_our_incident_keys_name_this_installation(settings):
    settings.SITE_URL = "https://response.example.com"
    assert page_key("response/response.example.com/12/PSVC001/7") == 7
    assert page_key("response/staging.example.com/12/PSVC001/7") is None
    assert page_key("response/response.example.com/12/PSVC001/x") is None
    assert page_key("response/response.example.com/12/PSVC001") is None
    assert page_key("some other alert") is None


def test_who_is_on_call_is_the_first_level_of_each_services_policy():
    services = [
        {"id": "S1", "name": "Payments", "escalation_policy": {"id": "P1"}},
        {"id": "S2", "summary": "Database", "escalation_policy": {"id": "P2"}},
        {"id": "S3", "name": "Nobody's", "escalation_policy": {"id": "P3"}},
    ]
    oncalls = [
        {"escalation_policy": {"id": "P1"}, "escalation_level": 1, "user": {"summary": "Dana"}},
        {"escalation_policy": {"id": "P1"}, "escalation_level": 2, "user": {"summary": "Boss"}},
        {"escalation_policy": {"id": "P1"}, "escalation_level": 1, "user": {"summary": "Dana"}},
        {"escalation_policy": {"id": "P2"}, "escalation_level": 1, "user": {"summary": "Fox"}},
    ]
    assert services_with_on_call(services, oncalls) == [
        {"id": "S1", "name": "Payments", "on_call": ["Dana"]},
        {"id": "S2", "name": "Database", "on_call": ["Fox"]},
        {"id": "S3", "name": "Nobody's", "on_call": []},
    ]


FORM = blocks.PageForm(
    incident_id=7,
    channel_id="C1",
    message="Checkout is failing",
    services=(
        blocks.ServiceChoice("S1", "Payments", ("Dana Scully",)),
        blocks.ServiceChoice("S2", "A service with a very long name indeed, longer than Slack"),
    ),
    known_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
    chosen_service_id="S2",
)


def test_the_modal_lists_services_with_who_is_on_call():
    view = blocks.render_page_modal(FORM)
    assert view["callback_id"] == blocks.PAGE_MODAL
    assert json.loads(view["private_metadata"]) == {"incident_id": 7, "channel_id": "C1"}
    select = next(b for b in view["blocks"] if b.get("block_id") == blocks.SERVICE)["element"]
    labels = [o["text"]["text"] for o in select["options"]]
    assert labels[0] == "Payments (on call: Dana Scully)"
    assert len(labels[1]) <= 75 and labels[1].endswith("…")
    assert select["initial_option"]["value"] == "S2"
    message = next(b for b in view["blocks"] if b.get("block_id") == blocks.MESSAGE)
    assert message["element"]["initial_value"] == "Checkout is failing"
    assert view["submit"]["text"] == "Page"
    assert "as PagerDuty listed it <!date^1796029200^" in json.dumps(view)


def test_the_modal_says_when_pagerduty_is_down_or_nothing_is_known():
    down = blocks.render_page_modal(blocks.PageForm(**{**FORM.__dict__, "pagerduty_down": True}))
    assert "PagerDuty is not answering" in json.dumps(down["blocks"][0])
    empty = blocks.render_page_modal(
        blocks.PageForm(**{**FORM.__dict__, "services": (), "known_at": None})
    )
    assert "Fetching the services" in json.dumps(empty["blocks"])
    assert "submit" not in empty  # nothing to choose: nothing to submit


def test_names_from_pagerduty_are_escaped_where_slack_parses_them():
    text = blocks.render_page_sent(blocks.PageData("<!channel> & co", "high", "https://pd/x", "P1"))
    assert text == "📟 Paged &lt;!channel&gt; &amp; co on-call (high urgency): <https://pd/x|P1>"
    assert "<!channel>" not in blocks.render_status("<!channel>", "acknowledged", "<@U1>", "")
    text, offer = blocks.render_resolve_offer(3, ["<!here>"])
    assert "<!here>" not in json.dumps(offer) and offer[1]["elements"][0]["value"] == "3"


# --- The client: one attempt, the engine decides -------------------------------------------------


@pytest.fixture
def fake(settings):
    with FakePagerDuty(token="t") as service:
        service.add_service("Payments")
        settings.PAGERDUTY_API_TOKEN = "t"
        settings.PAGERDUTY_FROM_EMAIL = "r@example.com"
        settings.PAGERDUTY_API_URL = service.url
        yield service


def test_a_429_is_one_attempt_and_a_retry_with_its_delay(fake):
    fake.outage(429, calls=2)
    with pytest.raises(Retry) as raised, judged():
        rest_client().list_all("/services")
    assert raised.value.remote == "pagerduty"
    # The package did not ask again by itself: the second refusal is still there.
    with pytest.raises(Retry), judged():
        rest_client().list_all("/services")
    with judged():
        assert [s["name"] for s in rest_client().list_all("/services")] == ["Payments"]


def test_a_5xx_and_no_answer_are_retries(fake, settings):
    fake.outage(502, calls=1)
    with pytest.raises(Retry), judged():
        rest_client().rpost("/incidents", json={"incident": {}})
    settings.PAGERDUTY_API_URL = "http://127.0.0.1:9"  # nobody listens
    with pytest.raises(Retry), judged():
        rest_client().list_all("/services")


def test_a_4xx_is_refused_with_pagerdutys_words(fake, settings):
    settings.PAGERDUTY_API_TOKEN = "wrong"
    with pytest.raises(Refused) as raised, judged():
        rest_client().list_all("/services")
    assert raised.value.status == 401
    settings.PAGERDUTY_API_TOKEN = "t"
    with pytest.raises(Refused) as raised, judged():
        rest_client().rpost(
            "/incidents", json={"incident": {"service": {"id": "NOPE"}, "title": "x"}}
        )
    assert raised.value.detail == "Invalid Input Provided; Service not found"
