"""Keeping others informed: the Subscribe button on the headline post (updates and the resolution
by DM, once each), and the announcement rules (RESPONSE_ANNOUNCE). Signed deliveries in, the
real worker, fakeslack's calls and the database out."""

from __future__ import annotations

from response.core.models import Subscription
from response.slack.models import Announcement, HeadlinePost
from tests.slack.helpers import declare_in_slack, mention

SUBSCRIBE = "subscribe-button"
UNSUBSCRIBE = "unsubscribe-button"


def dms_to(slack, user: str) -> list[dict]:
    with slack.state.lock:
        channel_id = slack.state.direct_channel([slack.bot_user_id, slack.user_id(user)]).id
    return slack.messages(channel_id)


def click_headline(slack, user: str, incident, action_id: str):
    post = HeadlinePost.objects.get(incident=incident)
    delivery = slack.actor(user).click(post.channel_id, post.message_ts, action_id)
    assert delivery.ok, delivery.error
    return delivery


def test_subscribers_get_updates_and_the_resolution_by_dm_once_each(slack, worker):
    incident, channel_id = declare_in_slack(slack)
    click_headline(slack, "bob", incident, SUBSCRIBE)
    assert Subscription.objects.get().person.external_id == slack.user_id("bob")
    slack.wait_for(lambda: slack.ephemeral(user="bob"))
    assert "Subscribed to incident" in slack.ephemeral(user="bob")[-1]["text"]

    mention(slack, "alice", channel_id, "update Rolled back the deploy; errors dropping")
    slack.wait_for(lambda: dms_to(slack, "bob"))
    click_headline(slack, "alice", incident, "close-incident-button")
    slack.wait_for(lambda: len(dms_to(slack, "bob")) >= 2)
    assert worker.settled()
    update, resolved = dms_to(slack, "bob")
    assert "Rolled back the deploy" in str(update["blocks"])
    assert f"Update on incident #{incident.pk}" in update["text"]
    assert "is resolved" in resolved["text"]
    # The author of the update is not told of it, and nobody else subscribed.
    assert not [m for m in dms_to(slack, "alice") if "Rolled back" in str(m)]
    assert not [m for m in dms_to(slack, "carol") if "Update" in m.get("text", "")]


def test_subscribe_again_or_unsubscribe_from_the_dm_stops_the_dms(slack, worker):
    incident, channel_id = declare_in_slack(slack)
    click_headline(slack, "bob", incident, SUBSCRIBE)
    click_headline(slack, "bob", incident, SUBSCRIBE)  # pressed again: unsubscribed
    assert not Subscription.objects.exists()
    slack.wait_for(lambda: len(slack.ephemeral(user="bob")) >= 2)
    assert "Unsubscribed" in slack.ephemeral(user="bob")[-1]["text"]

    click_headline(slack, "bob", incident, SUBSCRIBE)
    mention(slack, "alice", channel_id, "update Looking at the database")
    slack.wait_for(lambda: dms_to(slack, "bob"))
    [update] = dms_to(slack, "bob")
    with slack.state.lock:
        dm = slack.state.direct_channel([slack.bot_user_id, slack.user_id("bob")]).id
    assert slack.actor("bob").click(dm, update["ts"], UNSUBSCRIBE).ok
    assert not Subscription.objects.exists()
    mention(slack, "alice", channel_id, "update Database restarted")
    assert worker.settled()
    assert not [m for m in dms_to(slack, "bob") if "Database restarted" in str(m)]
    assert any("Unsubscribed" in m["text"] for m in dms_to(slack, "bob"))


def test_an_incident_of_a_listed_severity_is_announced_once_with_its_updates(
    slack, settings, worker
):
    settings.RESPONSE_ANNOUNCE = "critical:#random,#general;major:#random"
    incident, channel_id = declare_in_slack(slack, values={"severity": {"severity": "critical"}})
    slack.wait_for(lambda: Announcement.objects.count() == 2)
    random_post = Announcement.objects.get(channel_id=slack.channel_id("random"))
    announced = slack.message("random", random_post.message_ts)
    assert f"incident #{incident.pk}" in announced["text"]
    assert f"<#{channel_id}>" in str(announced["blocks"])
    assert "headline post" in str(announced["blocks"])

    # Lowered to major, then raised again: #random keeps its one announcement.
    mention(slack, "alice", channel_id, "severity major")
    mention(slack, "alice", channel_id, "severity critical")
    mention(slack, "alice", channel_id, "update Failing over to the replica")
    # The command runs on the worker (an event), the click in the request: one after the other.
    slack.wait_for(lambda: len(slack.replies("random", random_post.message_ts)) >= 2, timeout=20)
    click_headline(slack, "alice", incident, "close-incident-button")
    assert worker.settled()
    assert Announcement.objects.count() == 2
    for channel in ("random", "general"):
        post = Announcement.objects.get(channel_id=slack.channel_id(channel))
        announcements = [
            m for m in slack.messages(channel, replies=False) if "🚨" in m.get("text", "")
        ]
        assert len(announcements) == 1
        replies = [r["text"] for r in slack.replies(channel, post.message_ts)[1:]]
        assert len(replies) == 2, replies
        assert "Failing over to the replica" in replies[0]
        assert "is resolved" in replies[1]


def test_an_incident_raised_to_a_listed_severity_is_announced_then(slack, settings, worker):
    settings.RESPONSE_ANNOUNCE = "critical:#general;major:#random"
    _, channel_id = declare_in_slack(slack, values={"severity": {"severity": "minor"}})
    assert worker.settled()
    assert not Announcement.objects.exists()
    mention(slack, "alice", channel_id, "severity major")
    slack.wait_for(lambda: Announcement.objects.exists())
    assert worker.settled()
    assert [a.channel_id for a in Announcement.objects.all()] == [slack.channel_id("random")]


def test_a_private_incident_is_never_announced(slack, settings, worker):
    settings.RESPONSE_ANNOUNCE = "critical:#general"
    declare_in_slack(
        slack,
        values={"severity": {"severity": "critical"}, "options": {"options": ["private"]}},
    )
    assert worker.settled()
    assert not Announcement.objects.exists()
