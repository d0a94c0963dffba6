"""Incident types and custom fields through the API: listed, declared, shown, changed with the
same checks as everywhere (a 400 saying why), and filtered by."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from response.core import verbs
from response.core.models import AuditEvent
from tests.factories import declare
from tests.incident_types import customer_type, security_type
from tests.web.test_insights import PERIOD
from tests.web.test_insights_types import typed as typed  # a fixture


def test_types_are_listed_with_their_fields(api):
    security_type()
    customer_type()
    body = api.get("/api/types").json()
    assert [t["slug"] for t in body] == ["security", "customer"]
    assert body[0]["private_by_default"] is True
    regions = body[0]["fields"][1]
    assert regions == {
        "key": "regions",
        "label": "Regions",
        "kind": "multi_select",
        "options": ["EU", "US", "APAC"],
        "required": False,
        "default": ["EU"],
        "help_text": "",
    }


def test_declaring_with_a_type_and_fields(api):
    security_type()
    response = api.post(
        "/api/incidents",
        {"title": "Keys leaked", "type": "security", "fields": {"data_exposed": "internal"}},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["type"] == {"slug": "security", "name": "Security"}
    assert body["fields"] == {"data_exposed": "Internal", "regions": ["EU"]}
    assert body["is_private"] is True  # private by default, nobody said otherwise
    public = api.post(
        "/api/incidents",
        {
            "title": "Public one",
            "type": "security",
            "fields": {"data_exposed": "None"},
            "is_private": False,
        },
    ).json()
    assert public["is_private"] is False


def test_an_incident_without_a_type_says_so(api):
    body = api.post("/api/incidents", {"title": "Plain"}).json()
    assert body["type"] is None and body["fields"] == {} and body["is_private"] is False


def test_bad_values_are_refused_with_the_reason(api):
    security_type()
    for fields, field, message in [
        ({}, "fields.data_exposed", "Data exposed is required."),
        ({"data_exposed": "All"}, "fields.data_exposed", "Data exposed must be one of"),
        ({"data_exposed": "None", "records": "many"}, "fields.records", "must be a number"),
        ({"data_exposed": "None", "ticket": "SEC-1"}, "fields.ticket", "must be a link"),
        ({"data_exposed": "None", "colour": "red"}, "fields", "Unknown field “colour”"),
    ]:
        response = api.post(
            "/api/incidents", {"title": "Refused", "type": "security", "fields": fields}
        )
        assert response.status_code == 400, response.content
        assert response.json()["field"] == field
        assert message in response.json()["message"]
    unknown = api.post("/api/incidents", {"title": "Refused", "type": "nope"})
    assert unknown.status_code == 400 and unknown.json()["field"] == "type"


def test_patch_changes_the_fields_and_the_type(api):
    customer_type()
    security_type()
    incident = declare(incident_type="customer")
    url = f"/api/incidents/{incident.pk}"
    body = api.patch(url, {"fields": {"tier": "Gold", "note": "VIP"}}).json()
    assert body["fields"] == {"tier": "Gold", "note": "VIP"}
    assert api.patch(url, {"fields": {"note": None}}).json()["fields"] == {"tier": "Gold"}

    refused = api.patch(url, {"type": "security", "title": "Renamed"})
    assert refused.status_code == 400
    assert refused.json()["message"] == "Data exposed is required."
    assert refused.json()["field"] == "fields.data_exposed"
    assert api.get(url).json()["title"] != "Renamed"  # nothing of a refused PATCH is applied

    body = api.patch(url, {"type": "security", "fields": {"data_exposed": "None"}}).json()
    assert body["type"]["slug"] == "security"
    assert body["fields"] == {"data_exposed": "None", "regions": ["EU"]}
    assert AuditEvent.objects.filter(verb="incident.updated").latest("id").after["type"] == (
        "security"
    )
    assert api.patch(url, {"type": None}).json()["type"] is None


def test_the_list_filters_by_type(api):
    customer_type()
    security_type()
    customer = declare("Customer one", incident_type="customer")
    security = declare(
        "Security one",
        incident_type="security",
        fields={"data_exposed": "None"},
        is_private=False,
    )
    plain = declare("Plain one")

    def listed(query):
        return [i["id"] for i in api.get(f"/api/incidents?{query}").json()["items"]]

    assert listed("type=customer") == [customer.pk]
    assert listed("type=none") == [plain.pk]
    assert set(listed("type=customer&type=security")) == {customer.pk, security.pk}
    item = api.get("/api/incidents?type=customer").json()["items"][0]
    assert item["fields"] == {"tier": "Standard"}


def test_typed_incidents_cost_one_query_more_per_page(api):
    customer_type()
    for n in range(3):
        declare(f"Plain {n}")
    api.get("/api/incidents")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/incidents").status_code == 200
        return len(queries)

    untyped = count()
    for n in range(5):
        verbs.set_type_and_fields(declare(f"Typed {n}"), incident_type="customer")
    assert count() == untyped + 1  # the page's field values, whatever their number


def test_the_api_filters_and_breaks_down_by_type(staff_api, typed):
    body = staff_api.get(f"/api/insights?{PERIOD}").json()
    assert {(b["value"], b["count"]) for b in body["breakdowns"]} == {
        ("customer", 3),
        ("security", 1),
        ("unset", 1),
    }
    assert all(b["dimension"] == "type" for b in body["breakdowns"])
    only = staff_api.get(f"/api/insights?{PERIOD}&type=security").json()
    assert only["total"] == 1
    refused = staff_api.get(f"/api/insights?{PERIOD}&type=nope")
    assert refused.status_code == 400 and refused.json()["field"] == "type"
