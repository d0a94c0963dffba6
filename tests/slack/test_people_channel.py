"""The channel's life: archived some time after resolution (with a last message linking the
write-up), unarchived on reopen; the call link posted, pinned and bookmarked once."""

from __future__ import annotations

from dataclasses import replace

import pytest

from response.core import verbs
from response.core.models import Incident
from response.core.verbs import get_or_create_external_user
from response.engine.models import Job
from response.slack.blocks.headline import render_headline
from response.slack.inbound.people_commands import call_url_of, named_groups
from response.slack.models import CommsChannel
from tests.slack.helpers import declare_in_slack, headline_blocks, mention
from tests.slack.test_blocks import OPEN

CALL = "https://meet.example.com/inc-checkout"


def bot_texts(slack, channel_id: str, words: str) -> list[str]:
    return [
        m["text"]
        for m in slack.messages(channel_id)
        if m.get("user") == slack.bot_user_id and words in m.get("text", "")
    ]


def archived(slack, channel_id: str) -> bool:
    return bool(slack.channel(channel_id)["is_archived"])


def test_the_channel_is_archived_after_the_delay_and_unarchived_on_reopen(slack, worker, settings):
    settings.RESPONSE_ARCHIVE_AFTER_HOURS = 2 / 3600  # two seconds
    incident, channel_id = declare_in_slack(slack)
    mention(slack, "alice", channel_id, "close")
    slack.wait_for(lambda: archived(slack, channel_id), timeout=20)
    [last] = bot_texts(slack, channel_id, "this channel is archived now")
    assert f"<https://response.example.com/incidents/{incident.pk}/|incident page>" in last
    assert slack.messages(channel_id)[-1]["text"] == last
    # Recorded when the job that archived it is done, just after Slack answered.
    slack.wait_for(lambda: CommsChannel.objects.get(incident=incident).is_archived)

    # A follow-up recorded on the web after that has nowhere to go in Slack: nothing is stuck.
    incident = Incident.objects.get(pk=incident.pk)
    verbs.add_action(incident, "Add an alert on checkout errors")
    verbs.update_incident(incident, summary="Card payments failed for 20 minutes")
    verbs.set_lead(incident, get_or_create_external_user(slack.user_id("bob"))[0])
    assert worker.settled()
    assert not Job.objects.filter(state=Job.State.DEAD).exists()

    # Reopened (on the web: nobody can type in an archived channel), it comes back and says so.
    verbs.reopen_incident(Incident.objects.get(pk=incident.pk))
    slack.wait_for(lambda: not archived(slack, channel_id), timeout=20)
    assert worker.settled()
    assert bot_texts(slack, channel_id, "its channel is back from the archive")
    assert bot_texts(slack, channel_id, "is open again")
    slack.wait_for(lambda: not CommsChannel.objects.get(incident=incident).is_archived)
    slack.wait_for(lambda: "Investigating" in slack.topic(channel_id))
    assert len(slack.calls("conversations.archive")) == 1
    assert len(slack.calls("conversations.unarchive")) == 1
    assert not Job.objects.filter(state=Job.State.DEAD).exists()


def test_reopening_before_the_delay_keeps_the_channel(slack, worker, settings):
    settings.RESPONSE_ARCHIVE_AFTER_HOURS = 24
    incident, channel_id = declare_in_slack(slack)
    mention(slack, "alice", channel_id, "close")
    slack.wait_for(lambda: Job.objects.filter(kind="slack.archive_when_due").exists())
    mention(slack, "alice", channel_id, "reopen")
    slack.wait_for(lambda: Incident.objects.get(pk=incident.pk).is_open())
    assert worker.settled()
    assert not Job.objects.filter(kind="slack.archive_when_due", state=Job.State.PENDING).exists()
    assert not slack.calls("conversations.archive")
    assert not slack.calls("conversations.unarchive")


def test_no_archiving_when_switched_off(slack, worker, settings):
    settings.RESPONSE_ARCHIVE_AFTER_HOURS = 0
    _incident, channel_id = declare_in_slack(slack)
    mention(slack, "alice", channel_id, "close")
    assert worker.settled()
    assert not Job.objects.filter(kind="slack.archive_when_due").exists()


def call_messages(slack, channel_id):
    return bot_texts(slack, channel_id, "📞 The call for this incident")


def test_call_posts_pins_and_bookmarks_the_link_once(slack, worker):
    incident, channel_id = declare_in_slack(slack)
    mention(slack, "alice", channel_id, f"call <{CALL}>")
    slack.wait_for(lambda: any(b["link"] == CALL for b in slack.bookmarks(channel_id)))
    assert worker.settled()
    [posted] = call_messages(slack, channel_id)
    assert f"<{CALL}|Join the call>" in posted
    assert [p["text"] for p in slack.pins(channel_id)] == [posted]
    slack.wait_for(lambda: f"<{CALL}|Join the call>" in str(headline_blocks(slack, incident)))
    assert CommsChannel.objects.get(incident=incident).call_url == CALL

    # The same link again: said, not posted again. No link: it is shown.
    mention(slack, "bob", channel_id, f"call <{CALL}>")
    mention(slack, "bob", channel_id, "call")
    assert worker.settled()
    assert len(call_messages(slack, channel_id)) == 1
    assert len([b for b in slack.bookmarks(channel_id) if b["link"] == CALL]) == 1
    assert len(slack.pins(channel_id)) == 1
    said = [e["text"] for e in slack.ephemeral(channel_id, "bob")]
    assert any("That is the call link already" in t for t in said)


def test_call_refuses_what_is_not_a_link(slack, worker):
    _incident, channel_id = declare_in_slack(slack)
    mention(slack, "alice", channel_id, "call tomorrow at ten")
    slack.wait_for(
        lambda: any("not a link" in e["text"] for e in slack.ephemeral(channel_id, "alice"))
    )
    assert worker.settled()
    assert not slack.calls("pins.add")


def test_the_template_gives_every_new_channel_its_call(slack, worker, settings):
    settings.RESPONSE_CALL_URL_TEMPLATE = "https://meet.example.com/inc-{id}"
    incident, channel_id = declare_in_slack(slack)
    url = f"https://meet.example.com/inc-{incident.pk}"
    slack.wait_for(lambda: any(b["link"] == url for b in slack.bookmarks(channel_id)))
    assert worker.settled()
    assert len(call_messages(slack, channel_id)) == 1
    assert len(slack.pins(channel_id)) == 1


@pytest.mark.parametrize("how", ["drop", "late"])
def test_the_call_link_is_posted_pinned_and_bookmarked_once_when_answers_are_lost(
    slack, worker, settings, how
):
    settings.RESPONSE_SLACK_TIMEOUT = 1.0
    _incident, channel_id = declare_in_slack(slack)
    delay = 2.0 if how == "late" else 0.0
    for method in ("pins.add", "bookmarks.add"):
        slack.faults.add(method=method, lose_answer=how, count=1, delay=delay)
    mention(slack, "alice", channel_id, f"call <{CALL}>")
    slack.wait_for(lambda: any(b["link"] == CALL for b in slack.bookmarks(channel_id)))
    assert worker.settled()
    assert len(call_messages(slack, channel_id)) == 1
    assert len(slack.pins(channel_id)) == 1
    assert len([b for b in slack.bookmarks(channel_id) if b["link"] == CALL]) == 1


def test_the_headline_shows_the_call_while_open_and_escapes_it():
    def fields(data):
        section = next(
            b for b in render_headline(data, site_url="https://r.example") if b.get("fields")
        )
        return [f["text"] for f in section["fields"]]

    assert not [f for f in fields(OPEN) if f.startswith("*Call*")]
    with_call = replace(OPEN, call_url="https://meet.example.com/a?b=1&c=2")
    assert "*Call*\n<https://meet.example.com/a?b=1&amp;c=2|Join the call>" in fields(with_call)
    assert not [f for f in fields(replace(with_call, is_open=False)) if f.startswith("*Call*")]


def test_call_links_are_read_as_slack_writes_them():
    assert call_url_of("<https://meet.example.com/abc>") == "https://meet.example.com/abc"
    assert call_url_of("<https://m.example.com/x?a=1&amp;b=2|m.example.com/x>") == (
        "https://m.example.com/x?a=1&b=2"
    )
    assert call_url_of("https://meet.example.com/abc now") == "https://meet.example.com/abc"
    assert call_url_of("tomorrow") is None
    assert call_url_of("<javascript:alert(1)>") is None
    assert named_groups("<!subteam^S0SRE|@sre> @OnCall <@U0ALICE> alice@acme.example") == [
        "S0SRE",
        "oncall",
    ]


@pytest.mark.parametrize("how", ["drop", "late"])
def test_the_channel_is_archived_once_with_one_last_message_when_answers_are_lost(
    slack, worker, settings, how
):
    settings.RESPONSE_SLACK_TIMEOUT = 1.0
    settings.RESPONSE_ARCHIVE_AFTER_HOURS = 1 / 3600
    incident, channel_id = declare_in_slack(slack)
    assert worker.settled()
    slack.faults.add(
        method="conversations.archive", lose_answer=how, count=1, delay=2.0 if how == "late" else 0
    )
    mention(slack, "alice", channel_id, "close")
    slack.wait_for(lambda: CommsChannel.objects.get(incident=incident).is_archived, timeout=30)
    assert worker.settled()
    assert archived(slack, channel_id)
    assert len(bot_texts(slack, channel_id, "this channel is archived now")) == 1
    assert not Job.objects.filter(state=Job.State.DEAD).exists()


def test_an_archived_channel_s_incident_made_private_moves_to_a_live_private_channel(
    slack, worker, settings
):
    settings.RESPONSE_ARCHIVE_AFTER_HOURS = 1 / 3600
    incident, channel_id = declare_in_slack(slack)
    mention(slack, "alice", channel_id, "close")
    slack.wait_for(lambda: CommsChannel.objects.get(incident=incident).is_archived, timeout=20)
    verbs.update_incident(Incident.objects.get(pk=incident.pk), is_private=True)
    slack.wait_for(lambda: CommsChannel.objects.get(incident=incident).is_private, timeout=20)
    assert worker.settled()
    channel = CommsChannel.objects.get(incident=incident)
    assert channel.channel_id != channel_id and not channel.is_archived
    assert slack.user_id("alice") in slack.members(channel.channel_id)
    assert not archived(slack, channel.channel_id)
    assert not Job.objects.filter(state=Job.State.DEAD).exists()
