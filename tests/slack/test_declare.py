"""Declaring an incident from Slack, end to end: signed deliveries in, fakeslack calls out."""

from response.core.models import AuditEvent, Incident, Status
from response.slack.models import CommsChannel, HeadlinePost


def open_declare_modal(slack, user="alice", text="Checkout is failing", channel="general"):
    delivery = slack.actor(user).slash_command("/incident", text, channel=channel)
    assert delivery.ok, delivery.error
    views = slack.open_views(slack.user_id(user))
    assert views, "the declare modal did not open"
    return views[-1]


def test_slash_command_opens_the_declare_modal_prefilled(slack):
    view = open_declare_modal(slack)
    assert view["callback_id"] == "declare-incident-modal"
    title = next(b for b in view["blocks"] if b.get("block_id") == "title")
    assert title["element"]["initial_value"] == "Checkout is failing"


def test_submitting_declares_posts_the_headline_once_and_opens_a_channel(slack):
    view = open_declare_modal(slack)
    delivery = slack.actor("alice").submit_view(
        view["id"],
        {
            "summary": {"summary": "Card payments fail with 500s"},
            "severity": {"severity": "critical"},
        },
    )
    assert delivery.ok and not delivery.body
    incident = Incident.objects.get()
    assert incident.title == "Checkout is failing"
    assert incident.severity.slug == "critical"
    assert incident.reporter.external_id == slack.user_id("alice")
    assert incident.status == Status.INVESTIGATING

    slack.wait_for(lambda: HeadlinePost.objects.exists() and CommsChannel.objects.exists())
    channel = CommsChannel.objects.get()
    assert channel.name == f"inc-{incident.pk}-checkout-is-failing"
    post = HeadlinePost.objects.get()
    assert post.channel_id == slack.channel_id("incidents")
    headline = slack.message("incidents", post.message_ts)
    assert "Checkout is failing" in str(headline["blocks"])
    assert f"<#{channel.channel_id}>" in str(headline["blocks"])
    assert len(slack.calls("chat.postMessage", ok=True)) >= 1
    headline_posts = [
        c for c in slack.calls("chat.postMessage") if c.args.get("channel") == post.channel_id
    ]
    assert len(headline_posts) == 1
    # ... and no update right after it: the channel existed before the headline was posted.
    slack.wait_for(lambda: slack.topic(channel.channel_id))
    assert not [c for c in slack.calls("chat.update") if c.args.get("ts") == post.message_ts]

    # The reporter is in the channel and is told where things are.
    slack.wait_for(lambda: slack.user_id("alice") in slack.members(channel.channel_id))
    slack.wait_for(lambda: slack.ephemeral(user=slack.user_id("alice")))
    assert "declared" in slack.ephemeral(user=slack.user_id("alice"))[-1]["text"]
    slack.wait_for(lambda: slack.topic(channel.channel_id))
    assert "Critical" in slack.topic(channel.channel_id)
    slack.wait_for(lambda: slack.bookmarks(channel.channel_id))
    assert AuditEvent.objects.filter(verb="incident.declared").count() == 1


def test_an_empty_title_is_refused_inside_the_modal(slack):
    view = open_declare_modal(slack, text="")
    delivery = slack.actor("alice").submit_view(view["id"], {"title": {"title": "   "}})
    assert delivery.ok
    assert delivery.body["response_action"] == "errors"
    assert "title" in delivery.body["errors"]
    assert not Incident.objects.exists()


def test_a_double_submit_declares_one_incident(slack):
    view = open_declare_modal(slack)
    payload_view = slack.view(view["id"])
    first = slack.actor("alice").submit_view(view["id"])
    assert first.ok
    # The same view submitted again (a double click that Slack delivered twice).
    from fakeslack import payloads

    with slack.state.lock:
        trigger = slack.state.issue_trigger(slack.user_id("alice"))
        again = payloads.view_submission(
            slack.state, user_id=slack.user_id("alice"), view=payload_view, trigger_id=trigger
        )
    slack.dispatcher.interaction(again, trigger)
    assert Incident.objects.count() == 1
