"""Declaring where the problem shows up: the "Declare incident" message shortcut, the declare
reaction, and the incidents of the last hour shown before declaring. Signed deliveries in, the
real worker, fakeslack's calls and the database out."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from fakeslack import payloads
from response.core.models import Incident, TimelineEvent
from response.slack.inbound.source import message_plain_text
from response.slack.models import CommsChannel
from tests.factories import declare
from tests.slack.helpers import declare_in_slack

SHORTCUT = "declare-incident-from-message"
OFFER_BUTTON = "declare-from-message-button"
ALERT = [
    {
        "color": "danger",
        "title": "HighErrorRate on checkout",
        "text": "5xx above 5% for 5 minutes <https://grafana.example/d/1|dashboard>",
        "fields": [{"title": "service", "value": "checkout"}],
    }
]


def block(view: dict, block_id: str) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def post_alert(slack) -> str:
    """An alerting tool's message: attachments only, no text, no user."""
    return slack.post_from_integration("general", attachments=ALERT)


def test_the_shortcut_on_an_alert_declares_with_it_quoted_first_in_the_channel(slack):
    ts = post_alert(slack)
    alice = slack.actor("alice")
    delivery = alice.message_shortcut(SHORTCUT, "general", ts)
    assert delivery.ok, delivery.error
    [view] = slack.open_views(slack.user_id("alice"))
    assert view["callback_id"] == "declare-incident-modal"
    assert block(view, "title")["element"]["initial_value"] == "HighErrorRate on checkout"
    summary = block(view, "summary")["element"]["initial_value"]
    assert "5xx above 5% for 5 minutes dashboard (https://grafana.example/d/1)" in summary
    assert "service: checkout" in summary

    assert alice.submit_view(view["id"], {"severity": {"severity": "major"}}).ok
    incident = Incident.objects.get()
    assert incident.title == "HighErrorRate on checkout"
    general = slack.channel_id("general")
    entry = TimelineEvent.objects.get(incident=incident, kind=TimelineEvent.Kind.MESSAGE)
    assert entry.source == f"slack:{general}:{ts}"
    assert entry.metadata["declared_from"] is True
    assert entry.url.endswith(f"/archives/{general}/p{ts.replace('.', '')}")

    slack.wait_for(lambda: CommsChannel.objects.filter(incident=incident).exists())
    channel_id = CommsChannel.objects.get(incident=incident).channel_id
    slack.wait_for(lambda: len(slack.messages(channel_id)) >= 2)
    first = slack.messages(channel_id)[0]
    shown = str(first["blocks"])
    assert f"<{entry.url}|the original message>" in shown
    assert f"<#{general}>" in shown
    assert "&gt; HighErrorRate on checkout" not in shown  # a quote, not escaped markup
    assert "> HighErrorRate on checkout" in shown
    assert "👋" in slack.messages(channel_id)[1]["text"]  # the welcome comes second


def test_a_double_submit_from_the_shortcut_declares_and_quotes_once(slack):
    ts = slack.actor("bob").post_message("general", "Login page is blank for everyone")
    alice = slack.actor("alice")
    assert alice.message_shortcut(SHORTCUT, "general", ts).ok
    [view] = slack.open_views(slack.user_id("alice"))
    # A person's message: its text, and them as its author.
    assert block(view, "title")["element"]["initial_value"] == "Login page is blank for everyone"
    payload_view = slack.view(view["id"])
    assert alice.submit_view(view["id"]).ok
    with slack.state.lock:
        trigger = slack.state.issue_trigger(slack.user_id("alice"))
        again = payloads.view_submission(
            slack.state, user_id=slack.user_id("alice"), view=payload_view, trigger_id=trigger
        )
    slack.dispatcher.interaction(again, trigger)
    incident = Incident.objects.get()
    entry = TimelineEvent.objects.get(incident=incident, kind=TimelineEvent.Kind.MESSAGE)
    assert entry.author.external_id == slack.user_id("bob")
    slack.wait_for(lambda: CommsChannel.objects.filter(incident=incident).exists())
    channel_id = CommsChannel.objects.get(incident=incident).channel_id
    assert slack.settle() and slack.wait_for(lambda: len(slack.messages(channel_id)) >= 2)
    quotes = [m for m in slack.messages(channel_id) if "Declared from" in m.get("text", "")]
    assert len(quotes) == 1


def test_the_declare_modal_shows_the_incidents_of_the_last_hour(slack):
    incident, channel_id = declare_in_slack(slack, title="Checkout is failing")
    old = declare("Old news")
    Incident.objects.filter(pk=old.pk).update(reported_at=timezone.now() - timedelta(hours=2))
    declare("Secret thing", is_private=True)

    assert slack.actor("bob").slash_command("/incident", "Checkout broken?").ok
    view = slack.open_views(slack.user_id("bob"))[-1]
    recent = str(view["blocks"][0])
    assert "Declared in the last hour" in recent
    assert f"#{incident.pk} Checkout is failing" in recent
    assert f"<#{channel_id}>" in recent
    assert "Old news" not in str(view["blocks"]) and "Secret thing" not in str(view["blocks"])
    assert block(view, "title")["element"]["initial_value"] == "Checkout broken?"


def test_the_declare_modal_without_recent_incidents_is_the_plain_form(slack):
    assert slack.actor("bob").slash_command("/incident", "Checkout broken?").ok
    view = slack.open_views(slack.user_id("bob"))[-1]
    assert view["blocks"][0]["block_id"] == "title"


def test_the_declare_reaction_offers_a_button_once_per_message(slack, settings, worker):
    settings.RESPONSE_DECLARE_REACTION = "rotating_light"
    settings.RESPONSE_DECLARE_REACTION_CHANNELS = ["general"]
    ts = post_alert(slack)
    slack.actor("alice").react("general", ts, "rotating_light")
    slack.wait_for(lambda: slack.ephemeral("general", user="alice"))
    # A second person's reaction, and the first one again, offer nothing more.
    slack.actor("bob").react("general", ts, "rotating_light")
    slack.actor("alice").unreact("general", ts, "rotating_light")
    slack.actor("alice").react("general", ts, "rotating_light")
    assert worker.settled()
    [offer] = slack.ephemeral("general")
    assert offer["recipient"] == slack.user_id("alice")
    assert "HighErrorRate on checkout" in str(offer["blocks"])

    assert slack.actor("alice").click("general", offer["ts"], OFFER_BUTTON).ok
    [view] = slack.open_views(slack.user_id("alice"))
    assert block(view, "title")["element"]["initial_value"] == "HighErrorRate on checkout"
    assert slack.actor("alice").submit_view(view["id"]).ok
    incident = Incident.objects.get()
    slack.wait_for(lambda: CommsChannel.objects.filter(incident=incident).exists())
    channel_id = CommsChannel.objects.get(incident=incident).channel_id
    slack.wait_for(lambda: slack.messages(channel_id))
    assert "Declared from" in slack.messages(channel_id)[0]["text"]


def test_the_declare_reaction_elsewhere_or_another_emoji_offers_nothing(slack, settings, worker):
    settings.RESPONSE_DECLARE_REACTION = "rotating_light"
    settings.RESPONSE_DECLARE_REACTION_CHANNELS = ["incidents"]
    ts = post_alert(slack)
    slack.actor("alice").react("general", ts, "rotating_light")
    slack.actor("alice").react("general", ts, "eyes")
    assert worker.settled()
    assert not slack.ephemeral("general")
    assert not Incident.objects.exists()


def test_a_long_message_of_emoji_still_fits_the_modal(slack):
    ts = slack.actor("bob").post_message("general", "🔥" * 2900)
    assert slack.actor("alice").message_shortcut(SHORTCUT, "general", ts).ok
    [view] = slack.open_views(slack.user_id("alice"))  # Slack refuses metadata over 3000
    assert len(view["private_metadata"]) <= 3000
    assert block(view, "summary")["element"]["initial_value"].startswith("🔥🔥")


def test_a_bots_message_is_read_from_its_blocks_and_a_persons_from_its_text():
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "*Disk full* on db-1"}}
    rich = {
        "type": "rich_text",
        "elements": [
            {"type": "rich_text_section", "elements": [{"type": "text", "text": "typed words"}]}
        ],
    }
    bot = {"user": "U0BOT", "bot_id": "B1", "text": "fallback", "blocks": [section]}
    assert message_plain_text(bot) == "*Disk full* on db-1"
    person = {"user": "U1", "text": "typed words", "blocks": [rich]}
    assert message_plain_text(person) == "typed words"
    assert message_plain_text({"attachments": [{"fallback": "[FIRING] HighLatency"}]}) == (
        "[FIRING] HighLatency"
    )
