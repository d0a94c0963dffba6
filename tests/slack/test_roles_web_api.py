"""Roles given on the web and through the API reach Slack like those given there: the holder
invited and sent the role's instructions, the channel told who did it and where, the topic
updated, the timeline kept. Real HTTP to the live server, the real worker, fakeslack."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from response.api.tokens import create_api_token
from response.core.models import Incident, RoleAssignment, TimelineEvent
from response.core.verbs import get_or_create_external_user
from tests.factories import ExternalUserFactory
from tests.notifications.helpers import dms_to
from tests.slack.helpers import declare_in_slack


def channel_texts(slack, channel_id) -> list[str]:
    return [m.get("text", "") for m in slack.messages(channel_id)]


def person(slack, name):
    user, _ = get_or_create_external_user(slack.user_id(name))
    return user


def test_a_role_given_on_the_web(slack, worker):
    incident, channel_id = declare_in_slack(slack)
    sam = get_user_model().objects.create_user("sam", "sam@example.com", "pw", first_name="Sam")
    web = Client()
    web.force_login(sam)
    bob = person(slack, "bob")

    page = web.get(reverse("web:incident", args=[incident.pk])).content.decode()
    assert "Roles" in page and "Comms lead" in page and "Incident lead" in page

    answer = web.post(reverse("web:role", args=[incident.pk, "comms"]), {"person": bob.pk})
    assert answer.status_code == 302
    assert RoleAssignment.objects.get(incident=incident, role="comms").holder == bob
    slack.wait_for(lambda: any("You are Comms lead" in m["text"] for m in dms_to(slack, "bob")))
    slack.wait_for(lambda: bob.external_id in slack.members(channel_id))
    slack.wait_for(
        lambda: (
            f"🎭 <@{bob.external_id}> is now Comms lead (by Sam, on the web)."
            in channel_texts(slack, channel_id)
        )
    )
    slack.wait_for(lambda: f"Comms lead: <@{bob.external_id}>" in slack.topic(channel_id))
    entry = TimelineEvent.objects.get(incident=incident, kind="role")
    assert entry.text.endswith("is now Comms lead (on the web)")

    # The page shows the holder; an unknown role is a form error, not a 500.
    assert worker.settled()
    page = web.get(reverse("web:incident", args=[incident.pk])).content.decode()
    bob.refresh_from_db()
    assert f"<dd>{bob.name}</dd>" in page
    refused = web.post(reverse("web:role", args=[incident.pk, "janitor"]), {"person": bob.pk})
    assert refused.status_code == 400
    assert "There is no role “janitor”" in refused.content.decode()

    # Nobody clears it.
    cleared = web.post(reverse("web:role", args=[incident.pk, "comms"]), {"person": ""})
    assert cleared.status_code == 302
    assert not RoleAssignment.objects.exists()


def test_roles_through_the_api(slack, worker):
    incident, channel_id = declare_in_slack(slack)
    dana = get_user_model().objects.create_user("dana.k", "dana@example.com")
    ExternalUserFactory(user=dana, display_name="Dana")
    _, token = create_api_token(dana, name="tests")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    carol, erin = person(slack, "carol"), person(slack, "erin")
    url = f"/api/incidents/{incident.pk}/roles"

    answer = api.put(f"{url}/scribe", {"user_id": carol.pk}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    roles = {r["role"]["slug"]: r["holder"] for r in answer.json()["roles"]}
    assert list(roles) == ["lead", "comms", "scribe"]
    assert roles["scribe"]["id"] == carol.pk and roles["comms"] is None
    slack.wait_for(lambda: any("You are Scribe" in m["text"] for m in dms_to(slack, "carol")))
    slack.wait_for(
        lambda: (
            f"🎭 <@{carol.external_id}> is now Scribe (by Dana, through the API)."
            in channel_texts(slack, channel_id)
        )
    )

    # The lead is a role through the API too.
    answer = api.put(f"{url}/commander", {"user_id": erin.pk}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert Incident.objects.get(pk=incident.pk).lead == erin
    assert answer.json()["roles"][0]["holder"]["id"] == erin.pk
    slack.wait_for(lambda: any("You are Incident lead" in m["text"] for m in dms_to(slack, "erin")))

    # Refusals are 4xx with a sentence.
    unknown = api.put(f"{url}/janitor", {"user_id": carol.pk}, content_type="application/json")
    assert unknown.status_code == 400
    assert "There is no role “janitor”" in unknown.json()["message"]
    nobody = api.put(f"{url}/scribe", {"user_id": 999999}, content_type="application/json")
    assert nobody.status_code == 400

    answer = api.delete(f"{url}/scribe")
    assert answer.status_code == 200, answer.content
    assert answer.json()["roles"][2]["holder"] is None
    assert api.get(f"/api/incidents/{incident.pk}").json()["roles"][2]["holder"] is None
    assert [r["slug"] for r in api.get("/api/roles").json()] == ["lead", "comms", "scribe"]
    assert worker.settled()
    texts = list(
        TimelineEvent.objects.filter(incident=incident, kind="role").values_list("text", flat=True)
    )
    assert texts[-1].startswith("Nobody is Scribe now (was ")
