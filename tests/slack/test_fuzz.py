"""Whatever arrives at /slack/events, the answer is 2xx or 4xx, never 5xx; nothing is half
applied; and a good command sent after a storm of bad deliveries is applied at once, not held
behind a job that keeps failing. Signed deliveries of every kind, mutated
(tests/slack/fuzzing.py), go through the real HTTP endpoint to the real worker; the long run is
bench/fuzz_slack.py."""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from fakeslack import payloads
from fakeslack.deliver import signature
from response.core.models import AuditEvent, Incident, TimelineEvent
from response.engine.models import Job
from response.slack.blocks import ids
from response.slack.models import CommsChannel, HeadlinePost, InboundDelivery
from tests.slack.fuzzing import FORM, Delivery, Sender, Workspace, deliveries
from tests.slack.helpers import declare_in_slack, mention, reactions_on

# Bounded for `make test` (about 15 s); FUZZ_EXAMPLES=2000 for a longer look while working.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))


def workspace_of(slack, incident) -> Workspace:
    post = HeadlinePost.objects.get(incident=incident)
    channel = CommsChannel.objects.get(incident=incident).channel_id
    return Workspace(
        signing_secret=slack.signing_secret,
        team_id=slack.state.team_id,
        users=tuple(slack.user_id(name) for name in ("alice", "bob", "carol")),
        channels=(channel, post.channel_id),
        bot_user_id=slack.bot_user_id,
        headline=(post.channel_id, post.message_ts),
        incident_ids=(incident.pk,),
    )


def test_no_delivery_is_answered_with_a_5xx_and_a_good_one_still_applies(
    slack, worker, live_server
):
    incident, channel_id = declare_in_slack(slack)
    workspace = workspace_of(slack, incident)
    url = urlsplit(live_server.url)
    sender = Sender(url.hostname, url.port)
    statuses: Counter[int] = Counter()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # the failing delivery is in the message
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(st.data())
    def send_anything(data):
        delivery: Delivery = data.draw(deliveries(workspace))
        status = sender.send(delivery)
        statuses[status] += 1
        assert status < 500, (status, delivery.kind, delivery.headers, delivery.body[:2000])

    try:
        send_anything()
    finally:
        sender.close()
    assert sum(statuses.values()) >= EXAMPLES
    assert statuses[200] and statuses[400] and statuses[401]  # each family was reached

    # A good command after the storm is applied at once.
    ts = mention(slack, "alice", channel_id, "severity critical")
    slack.wait_for(lambda: "white_check_mark" in reactions_on(slack, channel_id, ts), timeout=30)
    incident.refresh_from_db()
    assert incident.severity.slug == "critical"
    # Nothing was retried for what it carried: a job that cannot succeed (Slack refused it for
    # good) failed once and was parked; none is waiting to try again.
    assert worker.idle(timeout=30)
    retried = Job.objects.filter(failures__gt=1) | Job.objects.filter(
        state=Job.State.PENDING, failures__gt=0
    )
    assert not retried.exists(), list(retried.values("kind", "state", "failures", "last_error"))
    assert not Job.objects.filter(state=Job.State.DONE, failures__gt=0).exists()

    # No incident is half written: each has its declaration on the timeline and in the audit
    # log, and its channel.
    for declared in Incident.objects.all():
        assert TimelineEvent.objects.filter(incident=declared).exists()
        assert AuditEvent.objects.filter(incident=declared, verb="incident.declared").exists()
        assert CommsChannel.objects.filter(incident=declared).exists()


def signed(slack, body: bytes, content_type: str, **replace: str) -> Delivery:
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature(slack.signing_secret, timestamp, body),
    }
    return Delivery(kind="", body=body, headers=tuple({**headers, **replace}.items()))


@pytest.mark.parametrize(
    "timestamp",
    ["abc", "", "9" * 5000, "-1", "1.5", "٣٣", "1700000000,1700000000"],
)
def test_a_malformed_timestamp_is_a_401(slack, live_server, timestamp):
    body = json.dumps({"type": "url_verification", "challenge": "c"}).encode()
    delivery = signed(
        slack,
        body,
        "application/json",
        **{
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature(slack.signing_secret, timestamp, body),
        },
    )
    url = urlsplit(live_server.url)
    assert Sender(url.hostname, url.port).send(delivery) == 401


def test_a_signature_sent_twice_is_a_401(slack, live_server):
    body = json.dumps({"type": "url_verification", "challenge": "c"}).encode()
    delivery = signed(slack, body, "application/json")
    twice = Delivery(kind="", body=body, headers=(*delivery.headers, delivery.headers[-1]))
    url = urlsplit(live_server.url)
    sender = Sender(url.hostname, url.port)
    assert sender.send(delivery) == 200
    assert sender.send(twice) == 401


def interaction(slack, **fields) -> dict:
    return {
        "type": "block_actions",
        "user": {"id": slack.user_id("alice")},
        "trigger_id": "1.2.3",
        "actions": [{"action_id": "take-lead-button", "value": "1"}],
        **fields,
    }


@pytest.mark.parametrize(
    "fields",
    [
        {"actions": []},
        {"actions": [{"action_id": 7}]},
        {"actions": [{"action_id": "take-lead-button", "value": ["1"]}]},
        {"actions": [{"action_id": "take-lead-button", "selected_option": "major"}]},
        {"type": "shortcut", "callback_id": {"id": "declare-incident"}},
        {"type": "view_submission", "view": {"id": "V1", "state": {"values": {"b": ["x"]}}}},
        {"type": "view_submission", "view": {"id": "V1", "private_metadata": {"incident_id": 1}}},
        {"type": "view_submission", "view": {"id": "V1", "callback_id": "edit-incident-modal"}},
        {"type": "view_closed", "view": {"id": "V1", "type": "workflow_step", "callback_id": "x"}},
        {"user": {"id": "U" + "X" * 40}},
        {"trigger_id": "t" * 300},
        {"type": "message_action", "callback_id": "add-to-timeline"},
    ],
)
def test_an_interaction_slack_never_sends_is_a_400(slack, live_server, fields):
    body = urlencode({"payload": json.dumps(interaction(slack, **fields))}).encode()
    url = urlsplit(live_server.url)
    assert Sender(url.hostname, url.port).send(signed(slack, body, FORM)) == 400
    assert not InboundDelivery.objects.exists()


@pytest.mark.parametrize("callback_id", [ids.DECLARE_MODAL, ids.UPDATE_MODAL])
def test_a_modal_whose_blocks_hold_other_elements_is_answered_in_the_modal(
    slack, live_server, callback_id
):
    """Blocks of our modals holding elements we never put there (ticked boxes for the title, a
    typed lead): read as empty, so the modal says what is missing instead of a 500."""
    incident, _channel_id = declare_in_slack(slack)
    wrong = {
        ids.TITLE: {"type": "checkboxes", "selected_options": [{"value": "x"}]},
        ids.UPDATE_TEXT: {"type": "multi_users_select", "selected_users": []},
        ids.LEAD: {"type": "plain_text_input", "value": "v" * 500},
        ids.STATUS: {"type": "checkboxes", "selected_options": []},
    }
    view = {
        "id": "V0000000001",
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": json.dumps({"incident_id": incident.pk}),
        "state": {"values": {block: {block: element} for block, element in wrong.items()}},
    }
    payload = {
        "type": "view_submission",
        "user": {"id": slack.user_id("alice")},
        "trigger_id": "1.2.3",
        "view": view,
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    url = urlsplit(live_server.url)
    assert Sender(url.hostname, url.port).send(signed(slack, body, FORM)) == 200
    assert Incident.objects.count() == 1


def test_a_note_for_someone_not_in_the_channel_goes_to_them_directly(slack, worker):
    """Bob, not in the incident's channel, asks there for something unknown: the answer cannot
    be shown to him in the channel, so it arrives as a DM rather than being parked."""
    _incident, channel_id = declare_in_slack(slack)
    bob = slack.user_id("bob")
    assert bob not in slack.members(channel_id)
    event = {
        "type": "app_mention",
        "channel": channel_id,
        "user": bob,
        "text": f"<@{slack.bot_user_id}> severity nonsense",
        "ts": f"{time.time():.6f}",
    }
    assert slack.dispatcher.event(payloads.event_envelope(slack.state, event)).status == 200
    slack.wait_for(
        lambda: any(
            "Unknown severity" in m["text"]
            for c in slack.channels()
            if c.get("is_im") and bob in slack.members(c["id"])
            for m in slack.messages(c["id"])
        ),
        timeout=20,
    )
    assert worker.idle()
    assert not Job.objects.filter(state=Job.State.DEAD).exists()
