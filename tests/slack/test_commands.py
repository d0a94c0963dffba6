"""Commands in an incident channel: `@Response <command>` and `/incident <command>`."""

import pytest

from response.core.models import Action, Incident, Status, TimelineEvent
from tests.slack.helpers import declare_in_slack, headline_blocks, mention, reactions_on


@pytest.fixture
def incident_channel(slack):
    return declare_in_slack(slack)


def refreshed(incident):
    return Incident.objects.select_related("severity", "lead").get(pk=incident.pk)


def test_lead_by_mention_sets_the_lead_reacts_and_updates_the_headline(slack, incident_channel):
    incident, channel_id = incident_channel
    ts = mention(slack, "alice", channel_id, f"lead <@{slack.user_id('bob')}>")
    slack.wait_for(lambda: refreshed(incident).lead is not None)
    assert refreshed(incident).lead.external_id == slack.user_id("bob")
    slack.wait_for(lambda: "white_check_mark" in reactions_on(slack, channel_id, ts))
    slack.wait_for(lambda: f"<@{slack.user_id('bob')}>" in str(headline_blocks(slack, incident)))
    slack.wait_for(lambda: slack.user_id("bob") in slack.members(channel_id))
    assert TimelineEvent.objects.filter(incident=incident, kind="lead").exists()


def test_lead_without_a_name_is_the_caller(slack, incident_channel):
    incident, channel_id = incident_channel
    mention(slack, "carol", channel_id, "lead")
    slack.wait_for(lambda: refreshed(incident).lead is not None)
    assert refreshed(incident).lead.external_id == slack.user_id("carol")


@pytest.mark.parametrize("given", ["critical", "1", "sev1"])
def test_severity_by_name_or_number(slack, incident_channel, given):
    incident, channel_id = incident_channel
    mention(slack, "alice", channel_id, f"sev {given}")
    slack.wait_for(lambda: refreshed(incident).severity is not None)
    assert refreshed(incident).severity.slug == "critical"
    slack.wait_for(lambda: "Critical" in slack.topic(channel_id))


def test_unknown_severity_is_explained_and_changes_nothing(slack, incident_channel):
    incident, channel_id = incident_channel
    ts = mention(slack, "alice", channel_id, "severity apocalyptic")
    slack.wait_for(lambda: slack.ephemeral(channel=channel_id, user=slack.user_id("alice")))
    assert "Unknown severity" in slack.ephemeral(channel=channel_id)[-1]["text"]
    assert refreshed(incident).severity is None
    assert "white_check_mark" not in reactions_on(slack, channel_id, ts)


def test_unknown_command_gets_a_question_mark_and_a_hint(slack, incident_channel):
    _incident, channel_id = incident_channel
    ts = mention(slack, "alice", channel_id, "dance")
    slack.wait_for(lambda: "question" in reactions_on(slack, channel_id, ts))
    slack.wait_for(lambda: slack.ephemeral(channel=channel_id, user=slack.user_id("alice")))
    hints = slack.ephemeral(channel=channel_id, user=slack.user_id("alice"))
    assert "I don't know how to help with `dance`" in hints[-1]["text"]


def test_mention_anywhere_and_multiline_text_kept_whole(slack, incident_channel):
    incident, channel_id = incident_channel
    text = "Card payments fail.\nEU only.\n\n* since 10:02"
    slack.actor("alice").post_message(
        channel_id, f"summary {text} <@{slack.bot_user_id}>".replace("summary", "summary", 1)
    )
    slack.wait_for(lambda: refreshed(incident).summary != "")
    # "summary <text> @Response": nothing follows the mention, so the command precedes it.
    assert refreshed(incident).summary == text


def test_summary_without_text_shows_it_with_a_change_button(slack, incident_channel):
    _incident, channel_id = incident_channel
    mention(slack, "alice", channel_id, "summary")
    slack.wait_for(lambda: slack.ephemeral(channel=channel_id, user=slack.user_id("alice")))
    shown = slack.ephemeral(channel=channel_id, user=slack.user_id("alice"))[-1]
    assert "change-summary-button" in str(shown["blocks"])


def test_status_update_close_and_reopen(slack, incident_channel):
    incident, channel_id = incident_channel
    mention(slack, "alice", channel_id, "status identified")
    slack.wait_for(lambda: refreshed(incident).status == Status.IDENTIFIED)
    mention(slack, "alice", channel_id, "update Rolled back the deploy.\nWatching.")
    slack.wait_for(lambda: TimelineEvent.objects.filter(incident=incident, kind="update").exists())
    post = incident.headline_post
    slack.wait_for(lambda: len(slack.replies(post.channel_id, post.message_ts)) > 1)
    assert (
        "Rolled back the deploy.\nWatching."
        in slack.replies(post.channel_id, post.message_ts)[-1]["text"]
    )

    mention(slack, "alice", channel_id, "close")
    slack.wait_for(lambda: refreshed(incident).status == Status.RESOLVED)
    slack.wait_for(lambda: "resolved" in slack.messages(channel_id)[-1]["text"])
    ts = mention(slack, "alice", channel_id, "close")
    slack.wait_for(lambda: "already resolved" in str(slack.ephemeral(channel=channel_id)))
    assert "white_check_mark" not in reactions_on(slack, channel_id, ts)
    # The headline post shows the resolution, with no buttons left.
    slack.wait_for(lambda: "Resolved" in str(headline_blocks(slack, incident)))
    assert "close-incident-button" not in str(headline_blocks(slack, incident))

    mention(slack, "alice", channel_id, "reopen")
    slack.wait_for(lambda: refreshed(incident).status == Status.INVESTIGATING)


def test_action_and_duration(slack, incident_channel):
    incident, channel_id = incident_channel
    mention(slack, "alice", channel_id, "action Add an alert on card error rate")
    slack.wait_for(lambda: Action.objects.filter(incident=incident).exists())
    assert Action.objects.get().text == "Add an alert on card error rate"
    mention(slack, "alice", channel_id, "duration")
    slack.wait_for(lambda: "has been running for" in slack.messages(channel_id)[-1]["text"])


def test_rename_and_a_taken_name(slack, incident_channel):
    incident, channel_id = incident_channel
    mention(slack, "alice", channel_id, "rename Payments Outage")
    slack.wait_for(lambda: slack.channel(channel_id)["name"] == "payments-outage")
    slack.wait_for(
        lambda: (
            incident.comms_channel.__class__.objects.get(pk=incident.comms_channel.pk).name
            == "payments-outage"
        )
    )
    mention(slack, "alice", channel_id, "rename general")
    slack.wait_for(lambda: "already taken" in str(slack.ephemeral(channel=channel_id)))


def test_slash_subcommands_in_the_channel(slack, incident_channel):
    incident, channel_id = incident_channel
    delivery = slack.actor("alice").slash_command("/incident", "severity major", channel=channel_id)
    assert delivery.ok
    assert refreshed(incident).severity.slug == "major"
    delivery = slack.actor("alice").slash_command("/incident", "help", channel=channel_id)
    assert "severity" in delivery.body["text"]


def test_help_and_list_from_any_channel(slack, incident_channel):
    incident, _ = incident_channel
    listing = slack.actor("bob").slash_command("/incident", "list", channel="general")
    assert f"#{incident.pk} Checkout is failing" in listing.body["text"]
    helped = slack.actor("bob").slash_command("/incident", "help", channel="general")
    assert "`lead`" in helped.body["text"]


@pytest.mark.parametrize("said", ["sev1", "SEV-1", "p1"])
def test_severity_in_one_word_as_responders_write_it(slack, incident_channel, said):
    incident, channel_id = incident_channel
    ts = mention(slack, "alice", channel_id, said)
    slack.wait_for(lambda: "white_check_mark" in reactions_on(slack, channel_id, ts))
    assert refreshed(incident).severity.slug == "critical"
    # Typed for all to see: the ✅ says it, no "The severity is now Critical" beside it.
    assert not slack.ephemeral(channel=channel_id, user=slack.user_id("alice"))


def test_a_near_miss_gets_what_was_probably_meant(slack, incident_channel):
    _incident, channel_id = incident_channel
    ts = mention(slack, "alice", channel_id, "sevrity critical")
    slack.wait_for(lambda: "question" in reactions_on(slack, channel_id, ts))
    slack.wait_for(lambda: slack.ephemeral(channel=channel_id, user=slack.user_id("alice")))
    hint = slack.ephemeral(channel=channel_id, user=slack.user_id("alice"))[-1]["text"]
    assert "Did you mean `severity`?" in hint


def test_at_incident_typed_as_text_is_answered_with_how_to_say_it(slack, incident_channel):
    incident, channel_id = incident_channel
    slack.actor("alice").post_message(channel_id, "@incident sev 1")
    slack.wait_for(lambda: slack.ephemeral(channel=channel_id, user=slack.user_id("alice")))
    hint = slack.ephemeral(channel=channel_id, user=slack.user_id("alice"))[-1]["text"]
    assert f"mention me: <@{slack.bot_user_id}> severity 1" in hint
    assert "`/incident severity 1`" in hint
    assert refreshed(incident).severity is None  # suggested, not done


def test_slash_answers_say_what_changed(slack, incident_channel):
    incident, channel_id = incident_channel
    alice = slack.actor("alice")
    assert alice.slash_command("/incident", "p2", channel=channel_id).body["text"] == (
        "The severity is now Major."
    )
    assert alice.slash_command("/incident", "sev major", channel=channel_id).body["text"] == (
        "The severity is already Major."
    )
    answer = alice.slash_command("/incident", "status identified", channel=channel_id)
    assert answer.body["text"] == "The incident is now identified."
    answer = alice.slash_command("/incident", "lead", channel=channel_id)
    assert answer.body["text"] == f"<@{slack.user_id('alice')}> is now the lead."
    answer = alice.slash_command("/incident", "staus resolved", channel=channel_id)
    assert "Did you mean `/incident status`?" in answer.body["text"]
    assert refreshed(incident).severity.slug == "major"


def test_the_welcome_is_short_and_its_controls_work(slack, incident_channel):
    incident, channel_id = incident_channel
    slack.wait_for(lambda: any("👋" in m.get("text", "") for m in slack.messages(channel_id)))
    welcome = next(m for m in slack.messages(channel_id) if "👋" in m.get("text", ""))
    assert "`@Response help`" in str(welcome["blocks"])
    assert "`lead`" not in str(welcome["blocks"])  # the command list is behind `help`
    alice = slack.actor("alice")
    assert alice.click(channel_id, welcome["ts"], "set-severity-select", "major").ok
    slack.wait_for(lambda: refreshed(incident).severity is not None)
    assert refreshed(incident).severity.slug == "major"
    assert alice.click(channel_id, welcome["ts"], "take-lead-button").ok
    assert refreshed(incident).lead.external_id == slack.user_id("alice")
    assert alice.click(channel_id, welcome["ts"], "post-update-button").ok
    assert slack.open_views("alice")[-1]["callback_id"] == "post-update-modal"
    assert alice.click(channel_id, welcome["ts"], "close-incident-button").ok
    assert refreshed(incident).status == Status.RESOLVED
