"""The service catalog through the API: teams and services (read by any token, kept by staff),
an incident's affected services (in its detail, set by PATCH or at declaration), and the list
filtered by service."""

from __future__ import annotations

import pytest

from response.core import verbs
from response.core.models import AuditEvent, Service, Team, TimelineEvent
from tests.core.test_insights_services import make_service_incidents
from tests.factories import ExternalUserFactory


def declare(title="Checkout is failing", **kwargs):
    return verbs.declare_incident(title=title, **kwargs)


@pytest.fixture
def catalog(db):
    payments, _ = verbs.save_team(slug="payments", name="Payments", slack_usergroup_handle="pay")
    verbs.save_service(slug="checkout", name="Checkout", team=payments, tier=1)
    verbs.save_service(slug="ledger", name="Ledger", team=payments)
    verbs.save_service(slug="wiki", name="Wiki")


def test_staff_create_read_update_and_delete_teams_and_services(staff_api):
    owner = ExternalUserFactory(display_name="dana")
    response = staff_api.post(
        "/api/teams",
        {"slug": "payments", "name": "Payments", "slack_usergroup_handle": "@pay-oncall"},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["slack_usergroup_handle"] == "pay-oncall"
    response = staff_api.post(
        "/api/services",
        {
            "slug": "checkout",
            "name": "Checkout",
            "team": "payments",
            "tier": 1,
            "owner_ids": [owner.pk],
            "runbook_url": "https://runbooks.example.com/checkout",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["team"] == {"slug": "payments", "name": "Payments"}
    assert [o["id"] for o in body["owners"]] == [owner.pk]

    assert staff_api.get("/api/services/checkout").json()["tier"] == 1
    assert [s["slug"] for s in staff_api.get("/api/services?team=payments").json()["items"]] == [
        "checkout"
    ]
    assert staff_api.get("/api/teams?q=pay").json()["count"] == 1

    # A patch changes what it names; the owners stay when left out.
    response = staff_api.patch("/api/services/checkout", {"name": "Checkout v2", "tier": None})
    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "Checkout v2"
    assert response.json()["tier"] is None
    assert [o["id"] for o in response.json()["owners"]] == [owner.pk]
    response = staff_api.patch("/api/teams/payments", {"owner_ids": [owner.pk]})
    assert [o["id"] for o in response.json()["owners"]] == [owner.pk]

    # Deleting the team leaves its service, with no team.
    assert staff_api.delete("/api/teams/payments").status_code == 204
    assert staff_api.get("/api/services/checkout").json()["team"] is None
    assert staff_api.delete("/api/services/checkout").status_code == 204
    assert staff_api.get("/api/services/checkout").status_code == 404
    verbs_audited = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"team.saved", "service.saved", "team.deleted", "service.deleted"} <= verbs_audited


def test_refusals_name_the_field(staff_api, api, read_only_api, catalog):
    duplicate = staff_api.post("/api/services", {"slug": "checkout", "name": "Again"})
    assert duplicate.status_code == 409
    assert duplicate.json()["field"] == "slug"
    no_team = staff_api.post("/api/services", {"slug": "new", "name": "New", "team": "nobody"})
    assert no_team.status_code == 400
    assert no_team.json()["field"] == "team"
    bad_slug = staff_api.post("/api/teams", {"slug": "has space", "name": "X"})
    assert bad_slug.status_code == 400
    bad_url = staff_api.patch("/api/services/wiki", {"runbook_url": "not a url"})
    assert bad_url.status_code == 400
    assert bad_url.json()["field"] == "runbook_url"
    # Anyone with a token reads the catalog; only staff keep it.
    assert api.get("/api/services").json()["count"] == 3
    assert api.post("/api/teams", {"slug": "x", "name": "X"}).status_code == 403
    assert api.delete("/api/services/wiki").status_code == 403
    assert read_only_api.patch("/api/services/wiki", {"name": "W"}).status_code == 403
    assert Service.objects.filter(slug="wiki", name="Wiki").exists()
    assert not Team.objects.filter(slug="x").exists()


def test_patch_sets_an_incident_s_services_and_the_detail_shows_them(api, catalog):
    incident = declare()
    response = api.patch(f"/api/incidents/{incident.pk}", {"services": ["ledger", "Checkout"]})
    assert response.status_code == 200, response.json()
    assert [s["slug"] for s in response.json()["services"]] == ["checkout", "ledger"]
    assert [s["slug"] for s in api.get(f"/api/incidents/{incident.pk}").json()["services"]] == [
        "checkout",
        "ledger",
    ]
    entry = TimelineEvent.objects.filter(incident=incident, kind="field").latest("id")
    assert entry.text == "Affected services: Checkout, Ledger (through the API)"

    # An unknown service refuses the whole patch, naming it.
    response = api.patch(
        f"/api/incidents/{incident.pk}", {"services": ["wiki", "payroll"], "title": "Changed"}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "services"
    assert "payroll" in response.json()["message"]
    assert response.json()["extra"] == {"unknown": ["payroll"]}
    incident.refresh_from_db()
    assert incident.title == "Checkout is failing"
    assert sorted(incident.services.values_list("slug", flat=True)) == ["checkout", "ledger"]

    # [] clears them.
    response = api.patch(f"/api/incidents/{incident.pk}", {"services": []})
    assert response.json()["services"] == []


def test_declared_with_services_and_the_list_filtered_by_service(api, catalog):
    response = api.post("/api/incidents", {"title": "Payments down", "services": ["checkout"]})
    assert response.status_code == 201, response.json()
    assert [s["slug"] for s in response.json()["services"]] == ["checkout"]
    refused = api.post("/api/incidents", {"title": "Nope", "services": ["payroll"]})
    assert refused.status_code == 400
    assert refused.json()["field"] == "services"

    both = declare("Both")
    verbs.set_services(both, ["checkout", "ledger"])
    declare("Neither")
    listed = api.get("/api/incidents?service=checkout&service=ledger").json()
    # An incident affecting two of the services is listed once.
    assert [i["title"] for i in listed["items"]] == ["Both", "Payments down"]
    assert listed["count"] == 2
    assert api.get("/api/incidents?service=wiki").json()["count"] == 0


def test_insights_filter_and_break_down_by_service(api):
    make_service_incidents()
    body = api.get("/api/insights?since=2026-03-02&until=2026-03-22&service=ledger").json()
    assert body["total"] == 2
    rows = {(b["value"], b["count"]) for b in body["breakdowns"] if b["dimension"] == "service"}
    assert rows == {("ledger", 2), ("checkout", 1)}
    refused = api.get("/api/insights?service=payroll")
    assert refused.status_code == 400
    assert refused.json()["field"] == "service"
