"""Incidents: list, filters, visibility, detail, declare (idempotent), update, resolve, reopen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from response.core import verbs
from response.core.models import AuditEvent, Incident, Participant, TimelineEvent
from tests.factories import ExternalUserFactory, declare


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


# --- List -----------------------------------------------------------------------------------------


def test_list_is_newest_first_with_totals(api, time_machine):
    time_machine.move_to("2026-01-01 09:00Z", tick=False)
    first = declare("First")
    time_machine.move_to("2026-01-02 09:00Z", tick=False)
    second = declare("Second")
    body = api.get("/api/incidents").json()
    assert [i["id"] for i in body["items"]] == [second.pk, first.pk]
    assert (body["count"], body["limit"], body["offset"], body["next_offset"]) == (2, 50, 0, None)


def test_list_pages_with_limit_and_offset(api):
    made = [declare(f"Incident {n}") for n in range(5)]
    newest_first = [i.pk for i in reversed(made)]
    page1 = api.get("/api/incidents?limit=2").json()
    assert [i["id"] for i in page1["items"]] == newest_first[:2]
    assert (page1["count"], page1["next_offset"]) == (5, 2)
    page3 = api.get("/api/incidents?limit=2&offset=4").json()
    assert [i["id"] for i in page3["items"]] == newest_first[4:]
    assert page3["next_offset"] is None
    assert api.get("/api/incidents?offset=50").json()["items"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("offset=-1", "offset"),
        ("limit=many", "limit"),
        ("status=broken", "status"),
        ("lead_id=0", "lead_id"),
        ("lead_id=99999999999999999999", "lead_id"),
        ("reported_after=yesterday", "reported_after"),
        ("reported_after=2026-01-01T00:00:00", "reported_after"),
        ("is_private=maybe", "is_private"),
        ("q=%00", "q"),
    ],
)
def test_list_rejects_bad_parameters_naming_the_field(api, query, field):
    response = api.get(f"/api/incidents?{query}")
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert response.json()["message"].startswith(f"{field}: ")


def test_list_filters(api, time_machine):
    lead = ExternalUserFactory()
    time_machine.move_to("2026-01-10 12:00Z", tick=False)
    old = declare("Old database outage", severity="critical")
    time_machine.move_to("2026-02-10 12:00Z", tick=False)
    led = declare("Checkout slow", severity="minor", lead=lead, summary="latency in the DATABASE")
    unset = declare("Something odd")
    resolved = declare("Fixed already")
    verbs.resolve_incident(resolved)

    assert ids(api.get("/api/incidents?status=resolved")) == [resolved.pk]
    assert ids(api.get("/api/incidents?status=resolved&status=investigating")) == [
        resolved.pk,
        unset.pk,
        led.pk,
        old.pk,
    ]
    assert ids(api.get("/api/incidents?severity=critical")) == [old.pk]
    assert ids(api.get("/api/incidents?severity=critical&severity=unset")) == [
        resolved.pk,
        unset.pk,
        old.pk,
    ]
    assert ids(api.get(f"/api/incidents?lead_id={lead.pk}")) == [led.pk]
    assert ids(api.get(f"/api/incidents?reporter_id={old.reporter_id}")) == [old.pk]
    assert ids(api.get("/api/incidents?q=database")) == [led.pk, old.pk]
    assert ids(api.get("/api/incidents?reported_before=2026-02-01T00:00:00Z")) == [old.pk]
    assert ids(api.get("/api/incidents?reported_after=2026-02-01T00:00:00%2B01:00")) == [
        resolved.pk,
        unset.pk,
        led.pk,
    ]
    assert ids(api.get("/api/incidents?is_private=true")) == []
    assert len(ids(api.get("/api/incidents?is_private=false"))) == 4


# --- Visibility -----------------------------------------------------------------------------------


def test_private_incidents_follow_the_web_ui_rule(api, staff_api, chat_user):
    public = declare("Public")
    secret = declare("Secret", is_private=True)
    reported = declare("Reported by Alice", is_private=True, reporter=chat_user)
    led = declare("Led by Alice", is_private=True, lead=chat_user)
    joined = declare("Alice joined", is_private=True)
    Participant.objects.create(incident=joined, user=chat_user)

    assert set(ids(api.get("/api/incidents"))) == {public.pk, reported.pk, led.pk, joined.pk}
    assert api.get(f"/api/incidents/{secret.pk}").status_code == 404
    assert api.patch(f"/api/incidents/{secret.pk}", {"title": "x"}).status_code == 404
    assert api.post(f"/api/incidents/{secret.pk}/resolve").status_code == 404
    assert api.get(f"/api/incidents/{secret.pk}/timeline").status_code == 404
    assert api.get(f"/api/incidents/{secret.pk}/actions").status_code == 404
    assert api.get(f"/api/incidents/{reported.pk}").status_code == 200

    assert set(ids(staff_api.get("/api/incidents"))) == {
        public.pk,
        secret.pk,
        reported.pk,
        led.pk,
        joined.pk,
    }
    assert staff_api.get(f"/api/incidents/{secret.pk}").status_code == 200


def test_a_missing_incident_is_a_404_with_the_field(api):
    response = api.get("/api/incidents/424242")
    assert response.status_code == 404
    assert response.json() == {
        "message": "Incident #424242 does not exist.",
        "field": "incident_id",
        "extra": {},
    }


@pytest.mark.parametrize("bad", ["0", "-3", "abc", "99999999999999999999"])
def test_a_malformed_incident_id_is_a_400(api, bad):
    response = api.get(f"/api/incidents/{bad}")
    assert response.status_code == 400
    assert response.json()["field"] == "incident_id"


def test_there_is_no_delete(api):
    incident = declare()
    assert api.delete(f"/api/incidents/{incident.pk}").status_code == 405
    assert Incident.objects.filter(pk=incident.pk).exists()


# --- Detail ---------------------------------------------------------------------------------------


def test_detail_has_people_key_times_actions_and_links(api, staff_api):
    lead = ExternalUserFactory(email="lead@example.com")
    incident = declare("Payments failing", severity="major", lead=lead, summary="Card errors")
    verbs.set_status(incident, "identified")
    verbs.add_action(incident, "Add an alert", owner=lead)
    body = api.get(f"/api/incidents/{incident.pk}").json()

    assert body["title"] == "Payments failing"
    assert body["status"] == "identified"
    assert body["severity"]["slug"] == "major"
    assert body["lead"]["id"] == lead.pk and body["lead"]["email"] is None
    assert body["reporter"]["id"] == incident.reporter_id
    assert body["identified_at"] is not None and body["resolved_at"] is None
    assert [a["text"] for a in body["actions"]] == ["Add an alert"]
    assert body["actions"][0]["owner"]["id"] == lead.pk
    assert body["links"] == dict.fromkeys(
        ("channel_id", "channel_name", "channel_url", "headline_post_url")
    )  # no channel or headline post yet (see the Slack links test below)
    staff_body = staff_api.get(f"/api/incidents/{incident.pk}").json()
    assert staff_body["lead"]["email"] == "lead@example.com"


# --- Declare --------------------------------------------------------------------------------------


def test_declare_goes_through_the_domain_verb(
    api, user, chat_user, django_capture_on_commit_callbacks
):
    lead = ExternalUserFactory()
    started = (timezone.now() - timedelta(hours=1)).isoformat()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.post(
            "/api/incidents",
            {
                "title": "Checkout is down",
                "summary": "500s",
                "impact": "No orders",
                "severity": "critical",
                "lead_id": lead.pk,
                "started_at": started,
            },
        )
    assert response.status_code == 201, response.content
    body = response.json()
    incident = Incident.objects.get(pk=body["id"])
    assert (incident.title, incident.severity.slug, incident.lead) == (
        "Checkout is down",
        "critical",
        lead,
    )
    assert body["reporter"]["id"] == chat_user.pk
    assert body["status"] == "investigating"
    assert TimelineEvent.objects.filter(incident=incident, kind="declared").exists()
    declared = AuditEvent.objects.get(incident=incident, verb="incident.declared")
    assert declared.actor_user == user
    assert len(callbacks) == 1  # the announcement the Slack adapter reacts to


def test_declare_report_only(api):
    body = api.post("/api/incidents", {"title": "Fixed overnight", "is_report_only": True}).json()
    assert body["status"] == "reported" and body["is_report_only"] is True


def test_an_idempotency_key_returns_the_same_incident(api, other_api):
    first = api.post("/api/incidents", {"title": "Alert"}, headers={"Idempotency-Key": "a1"})
    again = api.post("/api/incidents", {"title": "Alert"}, headers={"Idempotency-Key": "a1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    # Scoped to the client: another user's key of the same value is a different request.
    theirs = other_api.post("/api/incidents", {"title": "Alert"}, headers={"Idempotency-Key": "a1"})
    assert theirs.status_code == 201 and theirs.json()["id"] != first.json()["id"]
    assert Incident.objects.count() == 2


def test_a_dedup_key_is_shared_between_clients(api, other_api):
    first = api.post("/api/incidents", {"title": "Disk full", "dedup_key": "alert-17"})
    again = other_api.post("/api/incidents", {"title": "Disk full", "dedup_key": "alert-17"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]


def test_a_dedup_key_does_not_reveal_a_private_incident(api, other_api):
    api.post("/api/incidents", {"title": "Secret", "dedup_key": "k", "is_private": True})
    response = other_api.post("/api/incidents", {"title": "Secret", "dedup_key": "k"})
    assert response.status_code == 409
    assert response.json()["field"] == "dedup_key"
    assert "Secret" not in response.content.decode()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 256}, "title"),
        ({"title": 5}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"title": "ok", "severity": "apocalyptic"}, "severity"),
        ({"title": "ok", "lead_id": 987654}, "lead_id"),
        ({"title": "ok", "started_at": "2999-01-01T00:00:00Z"}, "start time"),
        ({"title": "ok", "started_at": "2026-01-01T00:00:00"}, "started_at"),
        ({"title": "ok", "is_private": "perhaps"}, "is_private"),
        ({"title": "ok", "dedup_key": "k" * 151}, "dedup_key"),
    ],
)
def test_declare_validation_errors_name_the_field(api, body, field):
    response = api.post("/api/incidents", body)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert Incident.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('"Payments"', None),
        ("[null, null]", None),
        ('{"title": "ok", "is_private": 0}', "is_private"),
        ('{"title": "ok", "is_private": "true"}', "is_private"),
        ('{"title": "ok", "lead_id": "5"}', "lead_id"),
        ('{"title": "ok", "started_at": 0.5}', "started_at"),
        ('{"title": "ok", "started_at": "2026-13-01T00:00:00Z"}', "started_at"),
    ],
)
def test_bodies_must_be_objects_of_the_documented_types(api, body, field):
    response = api.post("/api/incidents", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert Incident.objects.count() == 0


def test_an_unparsable_body_is_a_400(api):
    response = api.post("/api/incidents", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["message"] == "Cannot parse request body"


# --- Update, resolve, reopen ----------------------------------------------------------------------


def test_patch_changes_only_what_is_given(api, user):
    lead = ExternalUserFactory()
    incident = declare("Old title", summary="keep me", severity="minor")
    response = api.patch(
        f"/api/incidents/{incident.pk}",
        {"title": "New title", "severity": "critical", "lead_id": lead.pk, "status": "monitoring"},
    )
    assert response.status_code == 200, response.content
    incident.refresh_from_db()
    assert (incident.title, incident.summary, incident.severity.slug) == (
        "New title",
        "keep me",
        "critical",
    )
    assert (incident.lead, incident.status) == (lead, "monitoring")
    verbs_seen = set(
        AuditEvent.objects.filter(incident=incident, actor_user=user).values_list("verb", flat=True)
    )
    assert verbs_seen == {
        "incident.updated",
        "incident.severity_changed",
        "incident.lead_changed",
        "incident.status_changed",
    }


def test_patch_null_removes_the_lead_and_severity(api):
    incident = declare(lead=ExternalUserFactory(), severity="minor")
    body = api.patch(f"/api/incidents/{incident.pk}", {"lead_id": None, "severity": None}).json()
    assert body["lead"] is None and body["severity"] is None


def test_patch_to_the_current_status_changes_nothing(api):
    incident = declare()
    before = AuditEvent.objects.count()
    assert (
        api.patch(f"/api/incidents/{incident.pk}", {"status": "investigating"}).status_code == 200
    )
    assert AuditEvent.objects.count() == before


def test_an_invalid_transition_is_a_409_and_changes_nothing(api):
    incident = declare("Before", is_report_only=True)
    changes = {"title": "After", "severity": "critical", "status": "resolved"}
    response = api.patch(f"/api/incidents/{incident.pk}", changes)
    assert response.status_code == 409
    assert response.json()["field"] == "status"
    assert "cannot become resolved" in response.json()["message"]
    incident.refresh_from_db()
    assert (incident.title, incident.severity) == ("Before", None)  # all of it, or none


def test_patching_a_closed_incident_to_an_open_status_reopens_it(api):
    """The same rule as the web UI's status menu (verbs.move_incident)."""
    incident = declare()
    verbs.resolve_incident(incident)
    response = api.patch(f"/api/incidents/{incident.pk}", {"status": "monitoring"})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["resolved_at"]) == ("monitoring", None)
    assert AuditEvent.objects.filter(incident=incident, verb="incident.reopened").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"title": "  "}, "title"),
        ({"status": "reported"}, "status"),
        ({"status": "sideways"}, "status"),
        ({"severity": "nope"}, "severity"),
        ({"lead_id": 123456}, "lead_id"),
        ({"started_at": "2999-01-01T00:00:00Z"}, "start time"),
        ({"is_private": "sometimes"}, "is_private"),
    ],
)
def test_patch_validation_errors(api, body, field):
    incident = declare("Unchanged")
    response = api.patch(f"/api/incidents/{incident.pk}", body)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    incident.refresh_from_db()
    assert incident.title == "Unchanged"


def test_patch_start_after_resolution_is_refused(api):
    incident = declare(started_at=timezone.now() - timedelta(hours=2))
    verbs.resolve_incident(incident, at=timezone.now() - timedelta(hours=1))
    later = (timezone.now() - timedelta(minutes=30)).isoformat()
    response = api.patch(f"/api/incidents/{incident.pk}", {"started_at": later})
    assert response.status_code == 400
    assert response.json()["field"] == "started_at"


def test_resolve_and_reopen(api):
    incident = declare()
    at = datetime(2026, 1, 1, 12, tzinfo=UTC)
    incident.started_at = at - timedelta(hours=1)
    Incident.objects.filter(pk=incident.pk).update(started_at=incident.started_at)
    resolved = api.post(f"/api/incidents/{incident.pk}/resolve", {"at": at.isoformat()})
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolved_at"] == "2026-01-01T12:00:00Z"
    assert resolved.json()["duration_seconds"] == 3600

    again = api.post(f"/api/incidents/{incident.pk}/resolve")
    assert again.status_code == 409
    assert again.json()["message"] == f"Incident #{incident.pk} is already resolved."

    reopened = api.post(f"/api/incidents/{incident.pk}/reopen", {"status": "monitoring"})
    assert reopened.status_code == 200
    assert (reopened.json()["status"], reopened.json()["resolved_at"]) == ("monitoring", None)

    still_open = api.post(f"/api/incidents/{incident.pk}/reopen")
    assert still_open.status_code == 409
    assert (
        api.post(f"/api/incidents/{incident.pk}/reopen", {"status": "resolved"}).status_code == 400
    )


def test_resolve_without_a_body(api):
    incident = declare()
    response = api.post(f"/api/incidents/{incident.pk}/resolve", content_type="")
    assert response.status_code == 200
    assert response.json()["status"] == "resolved"


def test_status_update(api, chat_user):
    incident = declare()
    response = api.post(f"/api/incidents/{incident.pk}/updates", {"text": "Rolling back now"})
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["text"], body["author"]["id"]) == (
        "update",
        "Rolling back now",
        chat_user.pk,
    )
    assert api.post(f"/api/incidents/{incident.pk}/updates", {"text": " "}).json()["field"] == (
        "update"
    )


# --- Query counts ---------------------------------------------------------------------------------


def _count_queries(client, url) -> int:
    client.get(url)  # warm up: the token's last_used_at write happens once a minute at most
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("client_name", ["api", "staff_api"])
def test_list_query_count_does_not_grow_with_the_page(request, client_name, chat_user):
    client = request.getfixturevalue(client_name)
    lead = ExternalUserFactory()
    for n in range(2):
        declare(f"Incident {n}", severity="major", lead=lead)
    small = _count_queries(client, "/api/incidents")
    for n in range(20):
        declare(f"More {n}", severity="minor", lead=ExternalUserFactory(), is_private=n % 2 == 0)
    assert _count_queries(client, "/api/incidents") == small == 4  # token, COUNT, ids, rows


def test_detail_query_count_does_not_grow_with_actions(api):
    incident = declare()
    verbs.add_action(incident, "one", owner=ExternalUserFactory())
    few = _count_queries(api, f"/api/incidents/{incident.pk}")
    for n in range(10):
        verbs.add_action(incident, f"action {n}", owner=ExternalUserFactory())
    # token, incident, actions, services, roles; then where it lives in chat (one query,
    # response.core.chat)
    expected = 5 + (1 if apps.is_installed("response.slack") else 0)
    assert _count_queries(api, f"/api/incidents/{incident.pk}") == few == expected


def test_whoever_makes_an_incident_private_gets_the_result(api, staff_api):
    incident = declare("Becomes private")
    response = api.patch(f"/api/incidents/{incident.pk}", {"is_private": True})
    assert response.status_code == 200
    assert response.json()["is_private"] is True
    # From now on the visibility rule applies: Alice is not involved in it.
    assert api.get(f"/api/incidents/{incident.pk}").status_code == 404
    assert staff_api.get(f"/api/incidents/{incident.pk}").status_code == 200


def test_declaring_a_private_incident_answers_with_it(api):
    response = api.post("/api/incidents", {"title": "Quiet one", "is_private": True})
    assert response.status_code == 201
    assert response.json()["is_private"] is True


def test_detail_links_to_the_slack_channel_and_headline_post(api):
    if not apps.is_installed("response.slack"):
        pytest.skip("the Slack adapter is not installed")
    incident = declare()
    apps.get_model("slack", "CommsChannel").objects.create(
        incident=incident, channel_id="C0INC1", name="inc-payments"
    )
    apps.get_model("slack", "HeadlinePost").objects.create(
        incident=incident, channel_id="C0HEAD", message_ts="1764000000.000100"
    )
    apps.get_model("slack", "SlackCache").objects.update_or_create(
        key="auth", defaults={"value": {"url": "https://acme.slack.com/"}}
    )
    assert api.get(f"/api/incidents/{incident.pk}").json()["links"] == {
        "channel_id": "C0INC1",
        "channel_name": "inc-payments",
        "channel_url": "https://acme.slack.com/archives/C0INC1",
        "headline_post_url": "https://acme.slack.com/archives/C0HEAD/p1764000000000100",
    }
