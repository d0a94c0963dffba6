"""Failures stay where they happen, through the real boundaries (signed HTTP into Response,
the real engine, fakeslack): a poisoned event is parked and its channel goes on; a bad delivery
is refused without failing its neighbours; a failing plugin never makes a built-in run twice."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.management import call_command

from fakeslack import payloads
from response.core.models import Action, Participant
from response.engine.models import Job
from response.slack.decorators import event_handler, isolated_registries
from tests.slack.helpers import declare_in_slack, mention, reactions_on

FOLLOW_UP = "📝 Follow-up action recorded: "


def follow_ups(slack, channel_id: str, text: str) -> list[dict]:
    return [m for m in slack.messages(channel_id) if m.get("text") == FOLLOW_UP + text]


def test_a_poisoned_event_is_parked_and_its_channel_goes_on(slack, worker, settings, capsys):
    settings.RESPONSE_JOB_MAX_FAILURES = 3  # 1 s, 2 s, then dead: the default takes ~30 s
    incident, channel_id = declare_in_slack(slack)
    calls = []
    with isolated_registries():

        @event_handler("message")
        def fragile_plugin(incident, event):
            calls.append(event.get("text"))
            if "poison" in (event.get("text") or ""):
                raise ValueError("this plugin cannot read that")

        bob = slack.actor("bob")
        bob.join(channel_id)
        bob.post_message(channel_id, "here is some poison for the plugin")
        sent = time.monotonic()
        ts = mention(slack, "bob", channel_id, "action Roll back the deploy")
        slack.wait_for(lambda: "white_check_mark" in reactions_on(slack, channel_id, ts), 60)
        assert time.monotonic() - sent < 60
        assert Action.objects.filter(incident=incident, text="Roll back the deploy").count() == 1

        dead = slack.wait_for(lambda: Job.objects.filter(state="dead").first(), timeout=30)
    assert "this plugin cannot read that" in dead.last_error
    assert dead.payload["body"]["event"]["text"] == "here is some poison for the plugin"
    assert calls.count("here is some poison for the plugin") == 3
    # The built-in handler of the poisoned message ran once, not once per retry.
    assert (
        Participant.objects.get(incident=incident, user__external_id=bob.user_id).message_count == 2
    )
    call_command("jobs")
    listed = capsys.readouterr().out
    assert f"#{dead.pk}  slack.event" in listed and "this plugin cannot read that" in listed


def test_a_failing_plugin_beside_built_ins_never_runs_them_twice(slack, worker, settings):
    settings.RESPONSE_JOB_MAX_FAILURES = 10
    _incident, channel_id = declare_in_slack(slack)
    calls = []
    with isolated_registries():

        @event_handler("app_mention")
        def flaky_plugin(incident, event):
            calls.append(event["ts"])
            if len(calls) < 3:
                raise ConnectionError("the plugin's own service is down")

        ts = mention(slack, "alice", channel_id, "action Add an alert on queue depth")
        slack.wait_for(lambda: len(calls) == 3, timeout=30)
        assert worker.idle()
    job = Job.objects.get(
        delivery_key__isnull=False,
        payload__body__event__ts=ts,
        payload__body__event__type="app_mention",
    )
    assert (job.state, job.failures) == ("done", 0)
    assert Action.objects.filter(text="Add an alert on queue depth").count() == 1
    assert len(follow_ups(slack, channel_id, "Add an alert on queue depth")) == 1
    assert reactions_on(slack, channel_id, ts) == {"white_check_mark"}
    [reaction] = slack.message(channel_id, ts)["reactions"]
    assert reaction["count"] == 1


def signed_event(slack, event: dict, *, event_id: str | None = None) -> int:
    envelope = payloads.event_envelope(slack.state, event)
    if event_id is not None:
        envelope["event_id"] = event_id
    return slack.dispatcher.event(envelope).status


def test_bad_deliveries_are_refused_and_their_neighbours_applied(slack, worker):
    incident, channel_id = declare_in_slack(slack)
    carol = slack.user_id("carol")
    slack.actor("carol").join(channel_id)
    good = {"type": "message", "channel": channel_id, "user": carol, "text": "status?"}
    bad = [
        ({**good, "text": "nul \u0000 here"}, None),
        ({**good, "user": True}, None),
        ({**good, "channel": "C" + "X" * 300}, None),
        (good, "Ev" + "9" * 300),
    ]
    statuses: dict[str, list[int]] = {"good": [], "bad": []}
    barrier = threading.Barrier(len(bad) + 12)

    def send(kind: str, event: dict, event_id: str | None) -> None:
        event = {**event, "ts": f"{time.time():.6f}", "event_ts": f"{time.time():.6f}"}
        barrier.wait()
        statuses[kind].append(signed_event(slack, event, event_id=event_id))

    threads = [threading.Thread(target=send, args=("bad", e, i)) for e, i in bad]
    threads += [threading.Thread(target=send, args=("good", good, None)) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses["good"] == [200] * 12
    assert sorted(statuses["bad"]) == [400] * len(bad)
    slack.wait_for(
        lambda: Participant.objects.filter(
            incident=incident, user__external_id=carol, message_count=12
        ).exists(),
        timeout=20,
    )
    assert not Job.objects.filter(state="dead").exists()


@pytest.mark.parametrize("field", ["user", "channel", "ts", "text"])
def test_a_signed_event_with_fields_slack_never_sends_is_a_400(slack, field):
    event = {"type": "message", "channel": "C0000001", "user": "U000001", "text": "hi", "ts": "1.0"}
    event[field] = {"user": 7, "channel": 12.5, "ts": ["1"], "text": {"a": 1}}[field]
    assert signed_event(slack, event) == 400
    assert not Job.objects.filter(kind="slack.event").exists()
