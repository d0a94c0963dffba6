"""The post-mortem on the write-up page, with the Django test client: started pre-filled,
sections edited (a stale form refused with the typed text kept), owner and state changed (the
state's refusal said on the page), and exported as Markdown."""

import pytest
from django.urls import reverse

from response.core import verbs
from response.core.models import PostMortem, TimelineEvent
from response.core.postmortems import sections_of
from tests.factories import ExternalUserFactory, declare

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident():
    lead = ExternalUserFactory(display_name="dana")
    incident = declare("Checkout down", summary="Cards **failed**", impact="EU", lead=lead)
    verbs.add_timeline_event(incident, "Deploy 4412 went out", author=lead)
    verbs.add_action(incident, "Add an alert", owner=lead, by=lead)
    return incident


def writeup(client, incident) -> str:
    response = client.get(reverse("web:writeup", args=[incident.pk]))
    assert response.status_code == 200
    return response.content.decode()


def section_url(incident, key):
    return reverse("web:postmortem_section", args=[incident.pk, key])


def test_start_the_postmortem_from_the_writeup(signed_in, incident):
    html = writeup(signed_in, incident)
    assert "No post-mortem yet" in html and "Start the post-mortem" in html
    response = signed_in.post(reverse("web:postmortem_start", args=[incident.pk]))
    assert response["Location"] == reverse("web:writeup", args=[incident.pk]) + "#postmortem"
    postmortem = PostMortem.objects.get(incident=incident)
    assert postmortem.owner.name == "dana"
    html = writeup(signed_in, incident)
    for text in ("Post-mortem", "Draft", "dana", "Cards <strong>failed</strong>", "Root cause",
                 "Deploy 4412 went out", "Contributing factors", "What went well",
                 "What went badly", "Lessons", "Not written yet.", "Pre-filled by Response",
                 "Add an alert"):  # fmt: skip
        assert text in html, text
    entry = TimelineEvent.objects.filter(incident=incident).latest("id")
    assert entry.text == "Post-mortem started, owned by dana (on the web)"


def test_edit_a_section(signed_in, incident):
    signed_in.post(reverse("web:postmortem_start", args=[incident.pk]))
    form = signed_in.get(section_url(incident, "root_cause"))
    assert form.status_code == 200
    version = form.context["form"].initial["version"]
    response = signed_in.post(
        section_url(incident, "root_cause"),
        {"text": "A **bad** deploy\r\nof the card service", "version": version},
    )
    assert response["Location"].endswith("#pm-root_cause")
    section = next(s for s in sections_of(PostMortem.objects.get()) if s.key == "root_cause")
    assert section.text == "A **bad** deploy\nof the card service"
    assert section.edited_by_name == "alex"
    assert "A <strong>bad</strong> deploy" in writeup(signed_in, incident)


def test_a_stale_form_is_refused_and_keeps_what_was_typed(signed_in, incident):
    signed_in.post(reverse("web:postmortem_start", args=[incident.pk]))
    version = signed_in.get(section_url(incident, "lessons")).context["form"].initial["version"]
    postmortem = PostMortem.objects.get()
    verbs.edit_postmortem_section(postmortem, "lessons", "Bob's lesson", by=incident.lead)
    response = signed_in.post(
        section_url(incident, "lessons"), {"text": "My lesson", "version": version}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "was changed by dana" in html and "your text was not saved" in html
    assert "Saved meanwhile by dana" in html and "Bob's lesson</p>" in html  # to merge with
    assert "My lesson</textarea>" in html  # what they typed, not lost
    assert response.context["form"]["version"].value() == str(version + 1)
    assert next(s for s in sections_of(postmortem) if s.key == "lessons").text == "Bob's lesson"


def test_owner_and_state(signed_in, incident):
    signed_in.post(reverse("web:postmortem_start", args=[incident.pk]))
    bob = ExternalUserFactory(display_name="bob")
    response = signed_in.post(
        reverse("web:postmortem_owner", args=[incident.pk]), {"owner": bob.pk}
    )
    assert response.status_code == 302 and PostMortem.objects.get().owner == bob
    refused = signed_in.post(
        reverse("web:postmortem_state", args=[incident.pk]), {"state": "in_review"}
    )
    assert refused.status_code == 409
    assert "still investigating" in refused.content.decode()
    verbs.resolve_incident(incident, by=incident.lead)
    response = signed_in.post(
        reverse("web:postmortem_state", args=[incident.pk]), {"state": "in_review"}
    )
    assert response.status_code == 302 and PostMortem.objects.get().state == "in_review"
    assert "In review" in writeup(signed_in, incident)


def test_sections_of_an_incident_without_a_postmortem_are_not_found(signed_in, incident):
    assert signed_in.get(section_url(incident, "lessons")).status_code == 404
    signed_in.post(reverse("web:postmortem_start", args=[incident.pk]))
    assert signed_in.get(section_url(incident, "nope")).status_code == 404


def test_the_markdown_export_carries_the_postmortem(signed_in, incident):
    signed_in.post(reverse("web:postmortem_start", args=[incident.pk]))
    postmortem = PostMortem.objects.get()
    verbs.edit_postmortem_section(postmortem, "root_cause", "Tom's <b>deploy</b> & co", by=None)
    text = signed_in.get(reverse("web:writeup_markdown", args=[incident.pk])).content.decode()
    assert "| Post-mortem | Draft |" in text and "| Post-mortem owner | dana |" in text
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[:3] == ["## Summary", "## Impact", "## Key times (UTC)"]
    assert headings[3:10] == [
        "## Root cause",
        "## Contributing factors",
        "## What went well",
        "## What went badly",
        "## Lessons",
        "## Follow-ups",
        "## Follow-up actions, as tracked",
    ]
    assert "## Root cause\n\nTom's <b>deploy</b> & co\n" in text  # Markdown, not HTML-escaped
    assert "## Lessons\n\n_Not written yet._\n" in text
    assert "- [ ] Add an alert (owner: dana)" in text


def test_the_writeup_of_a_private_incident_stays_hidden(client, incident):
    from django.contrib.auth import get_user_model

    stranger = get_user_model().objects.create_user("stranger", "s@example.com", "pw")
    verbs.update_incident(incident, is_private=True, by=incident.lead)
    client.force_login(stranger)
    assert client.post(reverse("web:postmortem_start", args=[incident.pk])).status_code == 404
    assert not PostMortem.objects.exists()


# The write-up's own reads, its post-mortem (with the owner), its sections, and on the page the
# people for the owner's menu.
@pytest.mark.parametrize(("name", "expected"), [("web:writeup", 10), ("web:writeup_markdown", 9)])
def test_the_postmortem_costs_a_fixed_number_of_queries(signed_in, name, expected):
    from tests.web.test_incident_page import _grow, _queries

    small, big = declare("small"), declare("big")
    _grow(small, 2)
    _grow(big, 20)
    for incident in (small, big):
        verbs.start_postmortem(incident)
    counts = [_queries(signed_in, reverse(name, args=[i.pk])) for i in (small, big)]
    assert counts == [expected, expected]
