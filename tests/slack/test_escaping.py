"""Nobody makes the bot say what they could not say themselves: text people typed (in Slack, on
the web, through the API) reaches every place Slack parses (messages and their fallback text,
ephemeral answers, DMs, the topic, App Home, modals) escaped, so it never pings a channel,
mentions someone or disguises a link. Each test does it all through the real boundaries, then
scans everything fakeslack was sent."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from response.api.tokens import create_api_token
from response.core import verbs
from response.core.models import ExternalUser, Incident
from response.slack.models import CommsChannel, HeadlinePost
from response.slack.people import slack_user
from tests.notifications.helpers import dms_to
from tests.slack.helpers import HOSTILE, declare_in_slack, mention, unescaped_user_text

ESCAPED = "&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt; &lt;@U0BOSS&gt;"
START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # a Tuesday morning: reminders go out
WORKSPACE = {
    "users": [
        {"name": "alice", "real_name": "Alice Adams"},
        {"name": "bob", "real_name": "Bob Brown"},
        # Display and real name chosen to hurt, should the bot ever print them.
        {"name": "<!channel>&mallory", "real_name": HOSTILE},
    ],
    "channels": [{"name": "general", "general": True}, {"name": "incidents"}],
}


def everything_sent(slack) -> dict:
    """Every Web API call the bot made (its arguments), every ephemeral answer (command answers
    included) and every view, as fakeslack recorded them."""
    return {
        "calls": [{"method": c.method, "args": c.args} for c in slack.calls()],
        "ephemeral": slack.ephemeral(),
        "views": slack.views(),
    }


def assert_nothing_unescaped(slack) -> None:
    sent = everything_sent(slack)
    assert sent["calls"], "nothing was sent"
    assert unescaped_user_text(sent) == []


def settle(slack, worker) -> None:
    """Every job run, and every event our calls caused delivered and its work run too."""
    for _ in range(2):
        assert slack.settle(timeout=10)
        assert worker.settled(timeout=60)


@pytest.mark.fakeslack(workspace=WORKSPACE)
def test_typed_in_slack(slack, worker, time_machine):
    time_machine.move_to(START, tick=True)
    typed = {"title": {"title": HOSTILE}, "summary": {"summary": HOSTILE}}
    incident, channel_id = declare_in_slack(slack, values={**typed, "impact": {"impact": HOSTILE}})
    alice = slack.actor("alice")
    bob = slack.actor("bob")
    bob.join(channel_id)

    # Commands typed in the channel: an action, an update, a summary, a refusal quoting what
    # was typed, a command nobody knows, and a lead named the way people name one.
    for command in (f"action {HOSTILE}", f"update {HOSTILE}", f"summary {HOSTILE} again"):
        mention(slack, "alice", channel_id, command)
    mention(slack, "alice", channel_id, "severity <!channel>")
    mention(slack, "alice", channel_id, "<!here>nonsense")
    mention(slack, "alice", channel_id, "summary")  # shown back, ephemerally
    mention(slack, "alice", channel_id, "lead @bob")
    alice.slash_command("/incident", "<!everyone>nonsense", channel=channel_id)
    pinned = alice.post_message(channel_id, HOSTILE)
    alice.pin(channel_id, pinned)
    slack.wait_for(
        lambda: incident.actions.exists() and incident.timeline_events.count() > 2, timeout=20
    )
    slack.wait_for(lambda: Incident.objects.get(pk=incident.pk).lead is not None, timeout=20)

    # The update modal (a button on a reminder, or the headline's Edit) shows the title.
    post = HeadlinePost.objects.get(incident=incident)
    assert alice.click(post.channel_id, post.message_ts, "edit-incident-button").ok
    alice.open_app_home()

    # A lead whose name is hostile, a follow-up action they own, due; then resolved: the write-up
    # DM and the overdue action DM.
    mallory = slack_user(slack.user_id("<!channel>&mallory"))
    slack.wait_for(lambda: ExternalUser.objects.get(pk=mallory.pk).display_name != "", timeout=20)
    verbs.set_lead(Incident.objects.get(pk=incident.pk), mallory)
    verbs.add_action(incident, HOSTILE, owner=mallory, due_date=date(2026, 12, 1))
    verbs.resolve_incident(Incident.objects.get(pk=incident.pk))

    def mallorys_dms() -> str:
        return str(dms_to(slack, "<!channel>&mallory"))

    slack.wait_for(lambda: "write it up" in mallorys_dms(), timeout=20)
    # Due on the 1st: the owner hears of it the next morning, in their working hours.
    time_machine.move_to(datetime(2026, 12, 2, 9, 0, 1, tzinfo=UTC), tick=True)
    slack.wait_for(lambda: "was due on" in mallorys_dms(), timeout=20)
    settle(slack, worker)

    assert_nothing_unescaped(slack)
    # What was typed still arrived, to be read; people named by id are still mentioned.
    assert ESCAPED in str(slack.messages(channel_id))
    headline = slack.message(post.channel_id, post.message_ts)
    assert ESCAPED in headline["text"] and ESCAPED in str(headline["blocks"])
    assert f"<@{slack.user_id('bob')}> is now leading" in str(slack.messages(channel_id))
    assert ESCAPED in mallorys_dms()
    assert f"Lead: <@{mallory.external_id}>" in slack.topic(channel_id)
    assert any("Unknown severity" in e["text"] for e in slack.ephemeral(channel_id))
    edit = next(v for v in slack.views() if v.get("callback_id") == "edit-incident-modal")
    assert edit["blocks"][0]["element"]["initial_value"] == HOSTILE  # plain text, as typed


def test_typed_on_the_web_and_through_the_api(slack, worker):
    person = get_user_model().objects.create_user("alex", "alex@example.com", "pw")
    web = Client()
    web.force_login(person)
    answer = web.post(
        reverse("web:declare"),
        {"title": HOSTILE, "summary": HOSTILE, "impact": HOSTILE, "dedup_key": "w1"},
    )
    assert answer.status_code == 302
    on_the_web = Incident.objects.get()
    web.post(
        reverse("web:add_action", args=[on_the_web.pk]),
        {"action-text": HOSTILE, "action-priority": "medium"},
    )
    assert on_the_web.actions.get().text == HOSTILE

    _, token = create_api_token(person, name="tests")
    api = Client(headers={"Authorization": f"Bearer {token}"})

    def post(path, body):
        answer = api.post(path, body, content_type="application/json")
        assert answer.status_code in (200, 201), answer.content
        return answer.json()

    created = post("/api/incidents", {"title": HOSTILE, "summary": HOSTILE, "impact": HOSTILE})
    for incident_id in (on_the_web.pk, created["id"]):
        post(f"/api/incidents/{incident_id}/actions", {"text": HOSTILE})
        post(f"/api/incidents/{incident_id}/updates", {"text": HOSTILE})
        post(
            f"/api/incidents/{incident_id}/timeline",
            {"text": HOSTILE, "timestamp": datetime.now(UTC).isoformat()},
        )
    slack.wait_for(
        lambda: CommsChannel.objects.count() == 2 and HeadlinePost.objects.count() == 2, timeout=20
    )
    settle(slack, worker)

    assert_nothing_unescaped(slack)
    for channel in CommsChannel.objects.all():
        said = str(slack.messages(channel.channel_id))
        assert ESCAPED in said and "Follow-up action recorded" in said


def test_text_typed_in_slack_is_kept_as_people_read_it_and_escaped_once(slack, worker):
    """Slack sends a message's `&`, `<` and `>` as entities, and mentions as ids: kept as
    plain text (the web shows it), then escaped once on the way out, never "&amp;amp;"."""
    incident, channel_id = declare_in_slack(slack)
    bob = slack.user_id("bob")
    slack.actor("bob").join(channel_id)
    # Bob's name is known once his profile arrives (fetched on the worker when he joins).
    slack.wait_for(
        lambda: ExternalUser.objects.filter(external_id=bob, display_name="bob"), timeout=20
    )
    wire = f"Q&amp;A &lt;b&gt; for <@{bob}> <https://status.example|status>"
    mention(slack, "alice", channel_id, f"summary {wire}")
    mention(slack, "alice", channel_id, f"action {wire}")
    slack.wait_for(lambda: incident.actions.exists(), timeout=20)
    slack.wait_for(lambda: Incident.objects.get(pk=incident.pk).summary != "", timeout=20)
    settle(slack, worker)

    read = "Q&A <b> for @bob status (https://status.example)"
    assert Incident.objects.get(pk=incident.pk).summary == read
    assert incident.actions.get().text == read
    said = str(slack.messages(channel_id))
    assert "Follow-up action recorded: Q&amp;A &lt;b&gt; for @bob status" in said
    assert "&amp;amp;" not in said and "&amp;lt;" not in said
    assert_nothing_unescaped(slack)
