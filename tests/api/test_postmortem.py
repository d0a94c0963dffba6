"""The post-mortem through the API: started pre-filled, patched (sections with their versions,
owner, state: all or nothing), refused where the web page refuses, and exported as Markdown."""

import pytest

from response.core import verbs
from response.core.models import AuditEvent, PostMortem
from tests.factories import ExternalUserFactory, declare

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident():
    lead = ExternalUserFactory(display_name="dana")
    incident = declare("Checkout down", summary="Cards failed", impact="EU", lead=lead)
    verbs.add_action(incident, "Add an alert", owner=lead, by=lead)
    return incident


def url(incident, suffix=""):
    return f"/api/incidents/{incident.pk}/postmortem{suffix}"


def sections(body):
    return {s["key"]: s for s in body["sections"]}


def test_get_before_it_is_started_is_a_404_that_says_how(api, incident):
    response = api.get(url(incident))
    assert response.status_code == 404
    assert "POST or PATCH starts it" in response.json()["message"]


def test_post_starts_it_prefilled_then_refreshes(api, user, incident):
    response = api.post(url(incident))
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "draft" and body["owner"]["name"] == "dana"
    assert [s["key"] for s in body["sections"]][:3] == ["summary", "impact", "root_cause"]
    summary = sections(body)["summary"]
    assert summary["text"] == "Cards failed" and summary["prefilled"] is True
    assert sections(body)["follow_ups"]["text"] == "- [ ] Add an alert (owner: dana)"
    assert api.post(url(incident)).status_code == 200
    assert PostMortem.objects.count() == 1
    assert AuditEvent.objects.get(verb="postmortem.started").actor_user == user


def test_patch_sections_owner_and_state_in_one_request(api, incident):
    body = api.post(url(incident)).json()
    root = sections(body)["root_cause"]
    bob = ExternalUserFactory(display_name="bob")
    verbs.resolve_incident(incident, by=incident.lead)
    response = api.patch(
        url(incident),
        {
            "sections": {"root_cause": {"text": "A bad deploy", "version": root["version"]}},
            "owner_id": bob.pk,
            "state": "done",
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "done" and body["done_at"] and body["owner"]["name"] == "bob"
    root = sections(body)["root_cause"]
    assert root["text"] == "A bad deploy" and root["prefilled"] is False
    assert root["edited_by"] == "alice"


def test_a_stale_version_refuses_the_whole_patch(api, incident):
    body = api.post(url(incident)).json()
    version = sections(body)["lessons"]["version"]
    verbs.edit_postmortem_section(PostMortem.objects.get(), "lessons", "Theirs", by=None)
    response = api.patch(
        url(incident),
        {"sections": {"lessons": {"text": "Mine", "version": version}}, "state": "draft"},
    )
    assert response.status_code == 409
    error = response.json()
    assert "not saved" in error["message"] and error["extra"]["version"] == version + 1
    assert sections(api.get(url(incident)).json())["lessons"]["text"] == "Theirs"


def test_done_waits_for_the_resolution(api, incident):
    response = api.patch(url(incident), {"state": "done"})  # starts it, then refuses: nothing
    assert response.status_code == 409
    assert "still investigating" in response.json()["message"]
    assert not PostMortem.objects.exists()


def test_unknown_sections_and_states_are_400s(api, incident):
    assert api.patch(url(incident), {"sections": {"nope": {"text": "x"}}}).status_code == 400
    assert api.patch(url(incident), {"state": "finished"}).status_code == 400
    assert api.patch(url(incident), {"owner_id": 999999}).status_code == 400


def test_the_markdown_export(api, incident):
    assert api.get(url(incident, ".md")).status_code == 404
    api.patch(url(incident), {"sections": {"lessons": {"text": "Stage *every* deploy"}}})
    response = api.get(url(incident, ".md"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    text = response.content.decode()
    assert text.startswith(f"# Post-mortem of incident #{incident.pk}: Checkout down\n")
    assert "- State: Draft\n- Owner: dana\n" in text
    assert "## Lessons\n\nStage *every* deploy\n" in text
    assert "## Went well" not in text and "## What went well\n\n_Not written yet._" in text


def test_read_only_tokens_cannot_change_it(read_only_api, incident):
    assert read_only_api.post(url(incident)).status_code == 403
    assert read_only_api.patch(url(incident), {"state": "draft"}).status_code == 403


def test_a_private_incident_s_postmortem_is_hidden(other_api, incident):
    verbs.update_incident(incident, is_private=True, by=incident.lead)
    assert other_api.post(url(incident)).status_code == 404
    assert other_api.get(url(incident, ".md")).status_code == 404
