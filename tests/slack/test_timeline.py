"""The timeline from Slack: pins, the 📌 reaction, the message shortcut, edits and deletions."""

from datetime import UTC, datetime

from response.core.models import TimelineEvent
from tests.slack.helpers import declare_in_slack, reactions_on


def messages_on_timeline(incident):
    return list(
        TimelineEvent.objects.filter(incident=incident, kind="message").values_list(
            "text", flat=True
        )
    )


def test_pin_adds_the_message_with_its_own_time_and_author_and_unpin_removes_it(slack):
    incident, channel_id = declare_in_slack(slack)
    bob = slack.actor("bob")
    bob.join(channel_id)
    ts = bob.post_message(channel_id, "Error rate is back to normal since 10:42.\nRolling forward.")
    slack.actor("alice").pin(channel_id, ts)
    slack.wait_for(lambda: messages_on_timeline(incident))
    slack.wait_for(lambda: "memo" in reactions_on(slack, channel_id, ts))  # noted, says the bot
    entry = TimelineEvent.objects.get(incident=incident, kind="message")
    assert entry.text == "Error rate is back to normal since 10:42.\nRolling forward."
    assert entry.timestamp == datetime.fromtimestamp(float(ts), tz=UTC)
    assert entry.author.external_id == slack.user_id("bob")
    assert entry.source == f"slack:{channel_id}:{ts}"
    assert channel_id in entry.url and ts.replace(".", "") in entry.url

    slack.actor("alice").unpin(channel_id, ts)
    slack.wait_for(lambda: not messages_on_timeline(incident))


def test_a_pinned_message_is_kept_as_people_read_it(slack):
    """Slack sends `&`, `<` and `>` as entities, mentions as ids and links in brackets: the
    timeline (which the web shows) keeps what people saw."""
    incident, channel_id = declare_in_slack(slack)
    alice = slack.actor("alice")
    bob = slack.user_id("bob")
    ts = alice.post_message(
        channel_id, f"Q&amp;A &lt;b&gt; with <@{bob}|bob>, see <https://status.example|status>"
    )
    alice.pin(channel_id, ts)
    slack.wait_for(lambda: messages_on_timeline(incident))
    assert messages_on_timeline(incident) == [
        "Q&A <b> with @bob, see status (https://status.example)"
    ]


def test_a_pinned_message_edited_later_updates_its_entry(slack):
    incident, channel_id = declare_in_slack(slack)
    alice = slack.actor("alice")
    ts = alice.post_message(channel_id, "Rollback started")
    alice.pin(channel_id, ts)
    slack.wait_for(lambda: messages_on_timeline(incident) == ["Rollback started"])
    alice.edit_message(channel_id, ts, "Rollback started at 10:40")
    slack.wait_for(lambda: messages_on_timeline(incident) == ["Rollback started at 10:40"])


def test_the_pushpin_reaction_adds_to_the_timeline(slack):
    incident, channel_id = declare_in_slack(slack)
    alice = slack.actor("alice")
    ts = alice.post_message(channel_id, "Found it: the certificate expired")
    alice.react(channel_id, ts, "pushpin")
    slack.wait_for(lambda: messages_on_timeline(incident) == ["Found it: the certificate expired"])
    slack.wait_for(lambda: "memo" in reactions_on(slack, channel_id, ts))
    alice.unreact(channel_id, ts, "pushpin")
    slack.wait_for(lambda: not messages_on_timeline(incident))


def test_the_add_to_timeline_shortcut(slack):
    incident, channel_id = declare_in_slack(slack)
    alice = slack.actor("alice")
    ts = alice.post_message(channel_id, "Customers can pay again")
    assert alice.message_shortcut("add-to-timeline", channel_id, ts).ok
    assert messages_on_timeline(incident) == ["Customers can pay again"]


def test_pinning_twice_or_redelivered_adds_one_entry(slack):
    incident, channel_id = declare_in_slack(slack)
    alice = slack.actor("alice")
    ts = alice.post_message(channel_id, "Status page updated")
    alice.pin(channel_id, ts)
    alice.react(channel_id, ts, "pushpin")
    slack.wait_for(lambda: messages_on_timeline(incident))
    slack.wait_for(lambda: slack.events("reaction_added"))
    assert messages_on_timeline(incident) == ["Status page updated"]


def test_pins_outside_incident_channels_are_ignored(slack):
    incident, _ = declare_in_slack(slack)
    alice = slack.actor("alice")
    ts = alice.post_message("general", "lunch?")
    alice.pin("general", ts)
    slack.wait_for(lambda: slack.events("pin_added"))
    assert messages_on_timeline(incident) == []


def test_channel_renamed_in_slack_is_followed(slack):
    incident, channel_id = declare_in_slack(slack)
    slack.actor("alice").rename_channel(channel_id, "inc-payments")
    slack.wait_for(
        lambda: (
            type(incident.comms_channel).objects.get(channel_id=channel_id).name == "inc-payments"
        )
    )


def test_messages_count_towards_participants(slack):
    incident, channel_id = declare_in_slack(slack)
    bob = slack.actor("bob")
    bob.join(channel_id)
    for text in ("looking", "found it", "fixing"):
        bob.post_message(channel_id, text)
    from response.core.models import Participant

    slack.wait_for(
        lambda: Participant.objects.filter(
            incident=incident, user__external_id=slack.user_id("bob"), message_count=3
        ).exists()
    )
