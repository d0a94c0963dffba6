"""Slack goes down mid-incident: nothing is lost, nothing is sent twice, order is kept."""

import pytest

from response.core import verbs
from response.core.models import Incident, TimelineEvent
from response.engine.models import Job
from response.slack.models import CommsChannel
from response.slack.people import slack_user
from tests.slack.helpers import declare_in_slack, headline_blocks


@pytest.mark.parametrize("mode", ["503", "drop"])
def test_everything_lands_once_and_in_order_after_an_outage(slack, worker, mode):
    incident, channel_id = declare_in_slack(slack)
    slack.wait_for(lambda: worker.idle(timeout=0.2))
    channel = CommsChannel.objects.get(incident=incident)
    calls_before = len(slack.calls())

    slack.outage(mode)
    # While Slack is down, the incident goes on: changes, messages, a pin.
    verbs.set_severity(incident, "critical")
    verbs.set_lead(incident, slack_user(slack.user_id("bob")))
    for n in range(1, 6):
        channel.post_in_channel(f"progress note {n}")
    alice = slack.actor("alice")
    ts = alice.post_message(channel_id, "Root cause: expired certificate")
    alice.pin(channel_id, ts)  # events still arrive; the timeline must not wait for the Web API
    slack.wait_for(lambda: TimelineEvent.objects.filter(incident=incident, kind="message").exists())
    slack.wait_for(lambda: len(slack.calls()) > calls_before + 3)  # the worker kept trying
    assert Job.objects.filter(state="pending").exists()

    slack.restore()
    slack.wait_for(lambda: worker.idle(timeout=0.2), timeout=30)
    texts = [m["text"] for m in slack.messages(channel_id) if "progress note" in m["text"]]
    assert texts == [f"progress note {n}" for n in range(1, 6)]
    blocks = str(headline_blocks(slack, incident))
    assert "Critical" in blocks and f"<@{slack.user_id('bob')}>" in blocks
    assert not Job.objects.filter(state="dead").exists()
    assert Incident.objects.get(pk=incident.pk).severity.slug == "critical"


def test_rate_limits_are_honoured(slack, worker):
    incident, channel_id = declare_in_slack(slack)
    slack.wait_for(lambda: worker.idle(timeout=0.2))
    channel = CommsChannel.objects.get(incident=incident)
    slack.faults.add(method="chat.postMessage", status=429, retry_after=1, count=2)
    channel.post_in_channel("first")
    channel.post_in_channel("second")
    slack.wait_for(lambda: "second" in [m["text"] for m in slack.messages(channel_id)], timeout=15)
    texts = [m["text"] for m in slack.messages(channel_id)]
    assert texts.index("first") < texts.index("second")
    assert texts.count("first") == 1
    limited = [
        c for c in slack.calls("chat.postMessage") if c.response.get("error") == "ratelimited"
    ]
    assert len(limited) == 2
    # The retry waited for Retry-After instead of hammering Slack.
    retried = [c for c in slack.calls("chat.postMessage") if c.args.get("text") == "first"]
    assert retried[-1].time - retried[0].time >= 0.9
