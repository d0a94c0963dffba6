"""Private stays private: once a public incident is made private, nothing new about it appears
where people who are not involved can read it, on any surface (Slack, the web UI, the API, the
App Home, `/incident list`, search, counts, filters). Walked as an uninvolved person would."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from response.api.tokens import create_api_token
from response.core import verbs
from response.core.models import Incident
from response.slack.models import CommsChannel, HeadlinePost
from response.slack.people import slack_user
from tests.api.conftest import ApiClient
from tests.slack.helpers import declare_in_slack, mention

SECRET = "Payroll export leaks"


@pytest.fixture
def outsider(transactional_db):
    """Someone with a Response account and no part in the incident."""
    return get_user_model().objects.create_user("eve", "eve@example.com", password="pw")


def made_private_in_slack(slack, worker):
    """Alice declares a public incident with Bob as lead; Bob writes there; Alice makes it
    private with the edit modal's "private" choice (through the verb, as the modal does)."""
    incident, old_channel = declare_in_slack(slack, SECRET, user="alice")
    bob = slack.actor("bob")
    bob.join(old_channel)
    bob.post_message(old_channel, "looking at the payroll export now")
    verbs.set_lead(incident, slack_user(slack.user_id("bob")))
    verbs.post_status_update(incident, "Export job stopped", by=slack_user(slack.user_id("bob")))
    post = HeadlinePost.objects.get(incident=incident)
    slack.wait_for(lambda: len(slack.replies(post.channel_id, post.message_ts)) >= 1, timeout=10)
    verbs.update_incident(incident, is_private=True, by=slack_user(slack.user_id("alice")))
    new_channel = slack.wait_for(
        lambda: CommsChannel.objects.filter(incident=incident, is_private=True).first(),
        timeout=15,
    ).channel_id
    assert worker.settled()
    return incident, old_channel, new_channel, post


def test_slack_shows_nothing_new_of_an_incident_made_private(slack, worker):
    incident, old_channel, new_channel, post = made_private_in_slack(slack, worker)
    # The headline post says only that it is private now.
    headline = slack.message(post.channel_id, post.message_ts)
    assert SECRET not in str(headline) and "private now" in headline["text"]
    assert HeadlinePost.objects.get(incident=incident).hidden
    replies_before = len(slack.replies(post.channel_id, post.message_ts))
    # Its people are in a new private channel; the public one is archived and says where.
    assert new_channel != old_channel
    info = slack.channel(new_channel)
    assert info["is_private"]
    for person in ("alice", "bob"):
        assert slack.user_id(person) in slack.members(new_channel)
    assert slack.channel(old_channel)["is_archived"]
    assert "private now" in slack.messages(old_channel)[-1]["text"]
    # Whoever made it private was told.
    alice_dms = [
        m
        for c in slack.channels()
        if c.get("is_im") and slack.user_id("alice") in slack.members(c["id"])
        for m in slack.messages(c["id"])
    ]
    assert any("is private now" in m.get("text", "") for m in alice_dms)
    # Later changes reach the private channel only: no thread reply, no public message.
    public_before = len(slack.messages(old_channel))
    mention(slack, "bob", new_channel, "update Restored from backup")

    def update_posted() -> bool:
        posted = [m for m in slack.messages(new_channel) if m.get("user") == slack.bot_user_id]
        return any("Restored from backup" in m.get("text", "") for m in posted)

    slack.wait_for(update_posted, timeout=10)
    verbs.set_severity(incident, "critical")
    assert worker.settled()
    assert len(slack.replies(post.channel_id, post.message_ts)) == replies_before
    assert len(slack.messages(old_channel)) == public_before
    headline = slack.message(post.channel_id, post.message_ts)
    assert SECRET not in str(headline) and "Critical" not in str(headline)
    # App Home and /incident list, for anyone: not listed.
    erin = slack.actor("erin")  # not involved
    listed = erin.slash_command("/incident", "list", channel="general")
    assert SECRET not in str(listed.body)
    erin.open_app_home()
    slack.wait_for(lambda: slack.home_view(slack.user_id("erin")), timeout=10)
    assert SECRET not in str(slack.home_view(slack.user_id("erin")))


def test_the_web_ui_and_the_api_hide_it_from_an_uninvolved_person(slack, worker, outsider):
    incident, *_ = made_private_in_slack(slack, worker)
    web = Client()
    web.force_login(outsider)
    pages = [
        reverse("web:incident", args=[incident.pk]),
        reverse("web:timeline", args=[incident.pk]),
        reverse("web:writeup", args=[incident.pk]),
        reverse("web:writeup_markdown", args=[incident.pk]),
    ]
    for page in pages:
        assert web.get(page).status_code == 404, page
    # Nor can they change it, through any of the page's forms.
    entry = incident.timeline_events.first()
    forms = {
        reverse("web:edit_details", args=[incident.pk]): {"title": "Renamed"},
        reverse("web:severity", args=[incident.pk]): {"severity": ""},
        reverse("web:edit_entry", args=[incident.pk, entry.pk]): {"text": "Rewritten"},
        reverse("web:add_entry", args=[incident.pk]): {"text": "Added"},
    }
    for form, data in forms.items():
        assert web.post(form, data).status_code == 404, form
    listing = web.get(reverse("web:incidents")).content.decode()
    assert SECRET not in listing
    for query in ("Payroll", "export"):
        found = web.get(reverse("web:incidents"), {"q": query}).content.decode()
        assert SECRET not in found
    # The lead filter does not name someone who leads only private incidents.
    lead_name = Incident.objects.get(pk=incident.pk).lead.name
    assert lead_name not in listing
    _, token = create_api_token(outsider, name="tests")
    api = ApiClient(token)
    assert api.get(f"/api/incidents/{incident.pk}").status_code == 404
    assert api.get(f"/api/incidents/{incident.pk}/timeline").status_code == 404
    assert api.get(f"/api/incidents/{incident.pk}/actions").status_code == 404
    everything = api.get("/api/incidents").json()
    assert all(item["id"] != incident.pk for item in everything["items"])
    assert api.get("/api/incidents", {"q": "Payroll"}).json()["count"] == 0
    # Counted only for those allowed to see it.
    staff = get_user_model().objects.create_user("boss", is_staff=True)
    _, staff_token = create_api_token(staff, name="tests")
    counts = [
        client.get("/api/stats/summary").json()["count"] for client in (api, ApiClient(staff_token))
    ]
    assert counts[1] == counts[0] + 1


def test_the_people_involved_still_see_it(slack, worker):
    incident, _, new_channel, _ = made_private_in_slack(slack, worker)
    alice = get_user_model().objects.create_user("alice-web", password="pw")
    verbs_user = slack_user(slack.user_id("alice"))
    type(verbs_user).objects.filter(pk=verbs_user.pk).update(user=alice)
    web = Client()
    web.force_login(alice)
    assert web.get(reverse("web:incident", args=[incident.pk])).status_code == 200
    assert slack.user_id("alice") in slack.members(new_channel)
