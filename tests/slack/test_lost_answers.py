"""Slack applied the call, but its answer never arrived: every side effect still happens once.

Slack has no idempotency key, so a call whose answer is lost (the connection dropped after
Slack applied it, or the answer came after the client stopped waiting) is retried blind unless
the retry first looks for its effect. fakeslack's "lost answer" faults apply the call, then drop
the connection or answer too late; these tests count what Slack ended up with.
"""

from __future__ import annotations

import pytest

from response.core import verbs
from response.slack.models import CommsChannel, HeadlinePost
from response.slack.people import slack_user
from tests.slack.helpers import declare_in_slack, mention, reactions_on

LOSSES = ["drop", "late"]


@pytest.fixture
def lose(slack, settings):
    """lose(method, how): the next call of `method` is applied, and its answer lost."""
    settings.RESPONSE_SLACK_TIMEOUT = 1.0

    def add(method: str, how: str, count: int = 1) -> None:
        delay = 2.0 if how == "late" else 0.0
        slack.faults.add(method=method, lose_answer=how, count=count, delay=delay)

    return add


def bot_messages(slack, channel: str, words: str) -> list[dict]:
    return [
        m
        for m in slack.messages(channel)
        if m.get("user") == slack.bot_user_id and words in m.get("text", "")
    ]


@pytest.mark.parametrize("how", LOSSES)
def test_declaring_makes_one_channel_one_headline_post_and_one_welcome(slack, worker, lose, how):
    lose("conversations.create", how)
    lose("chat.postMessage", how, count=2)  # the headline post, then the welcome
    incident, channel_id = declare_in_slack(slack, "Checkout is failing")
    assert worker.settled()
    ours = [c for c in slack.channels() if c.get("name", "").startswith("inc-")]
    assert [c["id"] for c in ours] == [channel_id]
    assert len(bot_messages(slack, slack.channel_id("incidents"), "Checkout is failing")) == 1
    assert len(bot_messages(slack, channel_id, "This is the channel")) == 1
    post = HeadlinePost.objects.get(incident=incident)
    assert slack.message(post.channel_id, post.message_ts)  # the one Slack has
    assert CommsChannel.objects.get(incident=incident).channel_id == channel_id
    assert len(slack.calls("conversations.create")) >= 2  # it did have to try again


@pytest.mark.parametrize("how", LOSSES)
def test_a_status_update_is_posted_once_in_the_channel_and_once_in_the_thread(
    slack, worker, lose, how
):
    incident, channel_id = declare_in_slack(slack)
    assert worker.idle()
    lose("chat.postMessage", how, count=2)
    mention(slack, "alice", channel_id, "update The fix is rolling out")
    slack.wait_for(lambda: bot_messages(slack, channel_id, "The fix is rolling out"), timeout=20)
    assert worker.settled()
    post = HeadlinePost.objects.get(incident=incident)
    thread = slack.replies(post.channel_id, post.message_ts)
    assert len([m for m in thread if "The fix is rolling out" in m.get("text", "")]) == 1
    assert len(bot_messages(slack, channel_id, "The fix is rolling out")) == 1


@pytest.mark.parametrize("how", LOSSES)
def test_a_dm_is_sent_once(slack, worker, lose, how):
    incident, _ = declare_in_slack(slack)
    assert worker.idle()
    bob = slack.user_id("bob")
    verbs.set_lead(incident, slack_user(bob))
    assert worker.idle()
    lose("chat.postMessage", how)
    verbs.resolve_incident(incident, by=slack_user(bob))  # the write-up request: a DM to the lead
    dm = slack.wait_for(
        lambda: [
            m
            for c in slack.channels()
            if c.get("is_im") and bob in slack.members(c["id"])
            for m in slack.messages(c["id"])
            if "write it up" in m.get("text", "")
        ],
        timeout=20,
    )
    assert worker.settled()
    assert len(dm) == 1


@pytest.mark.parametrize("how", LOSSES)
def test_invites_and_the_bookmark_happen_once(slack, worker, lose, how):
    lose("bookmarks.add", how)
    lose("conversations.invite", how)
    _incident, channel_id = declare_in_slack(slack)
    assert worker.settled()
    assert len(slack.bookmarks(channel_id)) == 1
    assert slack.members(channel_id).count(slack.user_id("alice")) == 1


@pytest.mark.parametrize("how", LOSSES)
def test_a_reminder_is_posted_once(slack, worker, lose, how, time_machine):
    from datetime import timedelta

    from django.utils import timezone

    time_machine.move_to(timezone.now(), tick=True)
    incident, channel_id = declare_in_slack(slack)
    assert worker.idle()
    lose("chat.postMessage", how)
    # The lead nudge is due two minutes after declaring (nobody leads it yet).
    time_machine.move_to(incident.reported_at + timedelta(minutes=2, seconds=1), tick=True)
    slack.wait_for(lambda: bot_messages(slack, channel_id, "Who is leading"), timeout=20)
    assert worker.settled()
    assert len(bot_messages(slack, channel_id, "Who is leading")) == 1


@pytest.mark.parametrize("how", LOSSES)
def test_a_command_is_answered_with_one_reaction_and_nothing_left_waiting(slack, worker, lose, how):
    from response.engine.models import Job

    _incident, channel_id = declare_in_slack(slack)
    assert worker.idle()
    lose("reactions.add", how)
    ts = mention(slack, "alice", channel_id, "severity critical")
    slack.wait_for(lambda: "white_check_mark" in reactions_on(slack, channel_id, ts), timeout=20)
    assert worker.settled()
    reaction = slack.message(channel_id, ts)["reactions"][0]
    assert (reaction["name"], reaction["count"]) == ("white_check_mark", 1)

    def reaction_states() -> set[str]:
        return set(Job.objects.filter(kind="slack.reaction").values_list("state", flat=True))

    # The retry was told "already_reacted", and took it as done.
    slack.wait_for(lambda: reaction_states() == {Job.State.DONE}, timeout=20)
    assert not Job.objects.filter(state=Job.State.DEAD).exists()
