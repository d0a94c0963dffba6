"""Changes made on the web or through the API say who made them and where, on the timeline and
in the incident's Slack channel; people appear by their Slack display names."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from response.api.tokens import create_api_token
from response.core.models import TimelineEvent
from tests.factories import ExternalUserFactory
from tests.slack.helpers import declare_in_slack, mention


def channel_texts(slack, channel_id) -> list[str]:
    return [m.get("text", "") for m in slack.messages(channel_id)]


def test_an_api_change_says_who_through_the_api(slack):
    incident, channel_id = declare_in_slack(slack)
    dana = get_user_model().objects.create_user("dana.k", "dana@example.com")
    ExternalUserFactory(user=dana, display_name="Dana")  # her Slack account, linked
    _, token = create_api_token(dana, name="tests")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    answer = api.patch(
        f"/api/incidents/{incident.pk}",
        {"status": "identified", "severity": "major"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    slack.wait_for(
        lambda: (
            "Status is now *Identified* (by Dana, through the API)."
            in channel_texts(slack, channel_id)
        )
    )
    assert any(
        "Severity is now" in text and "(by Dana, through the API)." in text
        for text in channel_texts(slack, channel_id)
    )
    entry = TimelineEvent.objects.get(incident=incident, kind="status")
    assert entry.text == "Status changed to Identified (through the API)"
    assert entry.author.name == "Dana" and entry.metadata["origin"] == "api"


def test_a_web_change_says_who_on_the_web_and_a_slack_change_says_nothing_more(slack):
    incident, channel_id = declare_in_slack(slack)
    sam = get_user_model().objects.create_user("sam", "sam@example.com", "pw", first_name="Sam")
    web = Client()
    web.force_login(sam)
    page = reverse("web:status", args=[incident.pk])
    assert web.post(page, {"status": "resolved"}).status_code in (200, 302)
    slack.wait_for(
        lambda: any(
            "is resolved" in text and "(by Sam, on the web)" in text
            for text in channel_texts(slack, channel_id)
        )
    )
    assert TimelineEvent.objects.get(incident=incident, kind="status").text == (
        "Resolved (on the web)"
    )
    # Said in Slack, the same change needs no "where": Slack shows who said it.
    mention(slack, "alice", channel_id, "reopen")
    slack.wait_for(
        lambda: any("is open again" in text for text in channel_texts(slack, channel_id))
    )
    assert not any("open again" in t and "(by" in t for t in channel_texts(slack, channel_id))
