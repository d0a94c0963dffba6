"""Images pinned (or 📌-reacted) in an incident's channel reach the timeline with their name,
their page in Slack and their thumbnail's address, and the incident page links them."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

from response.core import verbs
from response.core.models import AuditEvent, TimelineEvent, TimelineImage
from response.slack.inbound.timeline import images_of
from tests.factories import declare
from tests.slack.helpers import declare_in_slack


def test_a_pinned_image_is_on_the_timeline_and_shown_on_the_web_page(slack, worker):
    incident, channel_id = declare_in_slack(slack)
    alice = slack.actor("alice")
    ts = alice.post_message(channel_id, "Error rate graph", files=["error-rate.png", "notes.txt"])
    alice.pin(channel_id, ts)
    slack.wait_for(lambda: TimelineImage.objects.exists())
    assert worker.settled()
    entry = TimelineEvent.objects.get(incident=incident, kind="message")
    [image] = entry.metadata["images"]
    file = slack.message(channel_id, ts)["files"][0]
    assert image == {
        "name": "error-rate.png",
        "link": file["permalink"],
        "thumb": file["thumb_360"],
        "public": False,  # Slack's file URLs need the bot's token
        "kept": True,
    }
    assert "📎 error-rate.png, notes.txt" in entry.text
    # The thumbnail was fetched once, with the bot's token, and kept.
    [kept] = TimelineImage.objects.all()
    assert (kept.entry, kept.position, kept.content_type) == (entry, 0, "image/png")
    assert bytes(kept.data).startswith(b"\x89PNG")
    # Written down like any change, so the page's live timeline shows it without a reload.
    assert AuditEvent.objects.filter(verb="timeline.edited", after={"image_kept": 0}).exists()

    client = Client()
    client.force_login(get_user_model().objects.create_user("sam", "sam@example.com", "pw"))
    html = client.get(f"/incidents/{incident.pk}/").content.decode()
    src = f"/incidents/{incident.pk}/timeline/{entry.pk}/images/0/"
    assert f'href="{file["permalink"]}"' in html
    assert f'<img src="{src}" alt="error-rate.png"' in html
    assert file["thumb_360"] not in html  # never hot-linked: it needs Slack's token
    answer = client.get(src)
    assert answer.status_code == 200 and answer["Content-Type"] == "image/png"
    assert answer.content == bytes(kept.data)
    assert client.get(f"/incidents/{incident.pk}/timeline/{entry.pk}/images/1/").status_code == 404
    assert Client().get(src).status_code == 302  # signed out: the sign-in page, not the image


def test_an_image_not_kept_yet_is_a_link_to_slack(db):
    incident = declare("Checkout is failing")
    verbs.add_timeline_event(
        incident,
        "graph",
        kind="message",
        metadata={
            "images": [
                {"name": "g.png", "link": "https://acme.slack.com/files/U1/F1/g.png", "thumb": ""}
            ]
        },
    )
    client = Client()
    client.force_login(get_user_model().objects.create_user("sam", "sam@example.com", "pw"))
    html = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert 'href="https://acme.slack.com/files/U1/F1/g.png"' in html and "🖼 g.png" in html


def test_an_alerts_graph_is_kept_with_its_public_address():
    message = {
        "ts": "1.2",
        "attachments": [
            {
                "title": "Error rate",
                "title_link": "https://grafana.example/d/1",
                "image_url": "https://grafana.example/render/1.png",
            }
        ],
        "files": [{"name": "a.pdf", "mimetype": "application/pdf"}],
    }
    assert images_of(message) == [
        {
            "name": "Error rate",
            "link": "https://grafana.example/d/1",
            "thumb": "https://grafana.example/render/1.png",
            "public": True,
        }
    ]
