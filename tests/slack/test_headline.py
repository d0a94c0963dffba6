"""The headline post: rendered from the incident, edited in place, and its buttons."""

import pytest

from response.core import verbs
from response.core.models import Incident, Status
from response.slack.models import CommsChannel, HeadlinePost
from tests.slack.helpers import declare_in_slack, headline_blocks


def refreshed(incident):
    return Incident.objects.get(pk=incident.pk)


def test_a_burst_of_changes_costs_few_updates(slack, worker):
    incident, _ = declare_in_slack(slack)
    post = HeadlinePost.objects.get()
    slack.wait_for(lambda: slack.message(post.channel_id, post.message_ts))
    assert worker.idle()
    before = len(slack.calls("chat.update"))
    # Ten changes in a row while Slack is slow to answer: they coalesce.
    slack.faults.add(method="chat.update", delay=0.5, count=1)
    for summary in range(10):
        verbs.update_incident(incident, summary=f"summary {summary}")
    slack.wait_for(lambda: "summary 9" in str(headline_blocks(slack, incident)), timeout=15)
    assert len(slack.calls("chat.update")) - before <= 3


def test_close_button_resolves_and_removes_the_buttons(slack):
    incident, _ = declare_in_slack(slack)
    post = HeadlinePost.objects.get()
    delivery = slack.actor("bob").click(post.channel_id, post.message_ts, "close-incident-button")
    assert delivery.ok
    assert refreshed(incident).status == Status.RESOLVED
    slack.wait_for(lambda: "close-incident-button" not in str(headline_blocks(slack, incident)))
    assert "Duration" in str(headline_blocks(slack, incident))


def test_clicking_close_twice_resolves_once_and_explains(slack):
    incident, _ = declare_in_slack(slack)
    post = HeadlinePost.objects.get()
    bob = slack.actor("bob")
    # Slack is slow to show the change, so the button is still there for a second click.
    slack.faults.add(method="chat.update", delay=1.0, count=1)
    assert bob.click(post.channel_id, post.message_ts, "close-incident-button").ok
    assert bob.click(post.channel_id, post.message_ts, "close-incident-button").ok
    assert incident.audit_events.filter(verb="incident.resolved").count() == 1
    slack.wait_for(lambda: "already resolved" in str(slack.ephemeral(user=slack.user_id("bob"))))


def test_edit_button_opens_a_modal_that_edits_through_the_verbs(slack):
    incident, _ = declare_in_slack(slack)
    post = HeadlinePost.objects.get()
    bob = slack.actor("bob")
    assert bob.click(post.channel_id, post.message_ts, "edit-incident-button").ok
    view = slack.open_views(slack.user_id("bob"))[-1]
    assert view["callback_id"] == "edit-incident-modal"
    assert bob.submit_view(
        view["id"],
        {
            "title": {"title": "Checkout fails for EU cards"},
            "severity": {"severity": "major"},
            "lead": {"lead": slack.user_id("bob")},
        },
    ).ok
    incident = refreshed(incident)
    assert incident.title == "Checkout fails for EU cards"
    assert incident.severity.slug == "major"
    assert incident.lead.external_id == slack.user_id("bob")
    slack.wait_for(lambda: "Checkout fails for EU cards" in str(headline_blocks(slack, incident)))


@pytest.fixture
def manual_channels(settings):
    settings.RESPONSE_AUTO_CREATE_CHANNEL = False


def test_create_channel_button_when_channels_are_not_automatic(slack, manual_channels):
    alice = slack.actor("alice")
    alice.slash_command("/incident", "Search is slow", channel="general")
    alice.submit_view(slack.open_views(slack.user_id("alice"))[-1]["id"])
    incident = Incident.objects.get()
    slack.wait_for(lambda: HeadlinePost.objects.exists())
    post = HeadlinePost.objects.get()
    slack.wait_for(lambda: slack.message(post.channel_id, post.message_ts))
    assert "create-comms-channel-button" in str(headline_blocks(slack, incident))
    bob = slack.actor("bob")
    bob.click(post.channel_id, post.message_ts, "create-comms-channel-button")
    bob.click(post.channel_id, post.message_ts, "create-comms-channel-button")
    slack.wait_for(lambda: CommsChannel.objects.exists())
    channel = CommsChannel.objects.get()
    slack.wait_for(lambda: slack.user_id("bob") in slack.members(channel.channel_id))
    slack.wait_for(
        lambda: "create-comms-channel-button" not in str(headline_blocks(slack, incident))
    )
    assert len(slack.calls("conversations.create", ok=True)) == 1


def test_private_incident_gets_a_private_channel_and_no_headline(slack):
    alice = slack.actor("alice")
    alice.slash_command("/incident", "Suspicious logins", channel="general")
    view = slack.open_views(slack.user_id("alice"))[-1]
    alice.submit_view(view["id"], {"options": {"options": ["private"]}})
    incident = Incident.objects.get()
    assert incident.is_private
    slack.wait_for(lambda: CommsChannel.objects.exists())
    channel = CommsChannel.objects.get()
    assert slack.channel(channel.channel_id)["is_private"]
    assert not HeadlinePost.objects.exists()
    assert slack.messages("incidents") == []


def test_report_only_incident_has_no_channel(slack):
    alice = slack.actor("alice")
    alice.slash_command("/incident", "Yesterday's blip", channel="general")
    view = slack.open_views(slack.user_id("alice"))[-1]
    alice.submit_view(view["id"], {"options": {"options": ["report_only"]}})
    incident = Incident.objects.get()
    assert incident.status == Status.REPORTED
    slack.wait_for(lambda: HeadlinePost.objects.exists())
    assert not CommsChannel.objects.exists()
    assert "Reported" in str(headline_blocks(slack, incident))


def test_resolving_dms_the_lead_to_write_it_up(slack):
    incident, _channel_id = declare_in_slack(slack, values={"lead": {"lead": None}})
    verbs.set_lead(incident, None)
    from response.slack.people import slack_user

    verbs.set_lead(incident, slack_user(slack.user_id("carol")))
    verbs.resolve_incident(incident)
    slack.wait_for(
        lambda: any(
            "write it up" in m["text"]
            for c in slack.channels()
            if c.get("is_im") and slack.user_id("carol") in slack.members(c["id"])
            for m in slack.messages(c["id"])
        )
    )


def test_report_only_incidents_go_to_the_report_channel_when_configured(slack, settings):
    settings.RESPONSE_REPORT_CHANNEL = "random"
    alice = slack.actor("alice")
    alice.slash_command("/incident", "Last night's blip", channel="general")
    view = slack.open_views(slack.user_id("alice"))[-1]
    alice.submit_view(view["id"], {"options": {"options": ["report_only"]}})
    slack.wait_for(lambda: HeadlinePost.objects.exists())
    assert HeadlinePost.objects.get().channel_id == slack.channel_id("random")


def test_a_report_only_incident_reopened_as_live_gets_its_channel(slack):
    alice = slack.actor("alice")
    alice.slash_command("/incident", "Thought it was fixed", channel="general")
    view = slack.open_views(slack.user_id("alice"))[-1]
    alice.submit_view(view["id"], {"options": {"options": ["report_only"]}})
    incident = Incident.objects.get()
    slack.wait_for(lambda: HeadlinePost.objects.exists())
    verbs.reopen_incident(incident)
    slack.wait_for(lambda: CommsChannel.objects.filter(incident=incident).exists())
    slack.wait_for(lambda: "close-incident-button" in str(headline_blocks(slack, incident)))
