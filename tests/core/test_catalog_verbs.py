"""The catalog's verbs: naming services, setting an incident's (one transaction: the change, its
timeline entry, its audit row, its announcement; the same set again is nothing), and saving teams
and services by slug."""

from __future__ import annotations

import pytest

from response.core import verbs
from response.core.errors import InvalidInput
from response.core.events import Change, incident_changed
from response.core.models import AuditEvent, Service, TimelineEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    verbs.save_service(slug="checkout", name="Checkout")
    verbs.save_service(slug="ledger", name="Ledger")


@pytest.fixture
def announced():
    seen = []

    def receive(sender, event, **kwargs):
        seen.append(event)

    incident_changed.connect(receive, dispatch_uid="test-catalog")
    yield seen
    incident_changed.disconnect(dispatch_uid="test-catalog")


def test_services_are_named_by_slug_name_or_id_once_each(catalog):
    ledger = Service.objects.get(slug="ledger")
    found = verbs.check_services(["CHECKOUT", "Ledger", ledger.pk, "ledger"])
    assert [s.slug for s in found] == ["checkout", "ledger"]
    with pytest.raises(InvalidInput) as refused:
        verbs.check_services(["checkout", "payroll", "hr"])
    assert refused.value.field == "services"
    assert refused.value.extra == {"unknown": ["payroll", "hr"]}
    assert "Known services: checkout, ledger." in refused.value.message


def test_setting_services_is_one_change_with_its_consequences(
    catalog, announced, django_assert_num_queries
):
    incident = verbs.declare_incident(title="Payments down")
    announced.clear()
    # the services, the lock, the current ones, insert, updated_at, timeline, audit; and the
    # savepoint around them (a verb joins its caller's transaction: here the test's)
    with django_assert_num_queries(9):
        verbs.set_services(incident, ["checkout", "ledger"])
    [event] = announced
    assert event.kind == Change.SERVICES
    assert sorted(event.extra["added"]) == sorted(
        Service.objects.filter(slug__in=["checkout", "ledger"]).values_list("pk", flat=True)
    )
    assert event.extra["removed"] == []

    # The same services again: nothing written, nothing announced.
    with django_assert_num_queries(5):  # the services, the lock, the current ones; savepoint
        verbs.set_services(incident, ["ledger", "checkout"])
    assert len(announced) == 1

    verbs.set_services(incident, ["ledger"])
    assert announced[-1].extra == {
        "added": [],
        "removed": [Service.objects.get(slug="checkout").pk],
    }
    entries = TimelineEvent.objects.filter(incident=incident, kind="field").order_by("id")
    assert [e.text for e in entries] == [
        "Affected services: Checkout, Ledger",
        "Affected services: Ledger",
    ]
    audits = AuditEvent.objects.filter(incident=incident, verb="incident.services_changed")
    assert [a.after["services"] for a in audits.order_by("id")] == [
        ["checkout", "ledger"],
        ["ledger"],
    ]


def test_saving_by_slug_creates_updates_or_leaves_alone():
    team, outcome = verbs.save_team(slug="payments", name="Payments", slack_usergroup_handle="@Pay")
    assert outcome == "created" and team.usergroup == "pay"
    assert verbs.save_team(slug="payments", name="Payments", slack_usergroup_handle="Pay")[1] == (
        "unchanged"
    )
    service, outcome = verbs.save_service(slug="checkout", name="Checkout", team="payments")
    assert outcome == "created" and service.team == team
    assert verbs.save_service(slug="checkout", name="Checkout v2", team=team)[1] == "updated"
    with pytest.raises(InvalidInput) as refused:
        verbs.save_service(slug="checkout", name="Checkout", tier=9)
    assert refused.value.field == "tier"
    with pytest.raises(InvalidInput):
        verbs.save_team(slug="has spaces", name="X")
    assert Service.objects.get(slug="checkout").name == "Checkout v2"


def test_the_admin_lists_searches_filters_and_adds(admin_client):
    team, _ = verbs.save_team(slug="payments", name="Payments")
    verbs.save_service(slug="checkout", name="Checkout", team=team, tier=1)
    assert admin_client.get("/admin/core/team/?q=pay").status_code == 200
    page = admin_client.get(f"/admin/core/service/?team__id__exact={team.pk}&tier=1")
    assert page.status_code == 200 and "Checkout" in page.content.decode()
    assert admin_client.get(f"/admin/core/team/{team.pk}/change/").status_code == 200
    added = admin_client.post(
        "/admin/core/service/add/",
        {"slug": "ledger", "name": "Ledger", "team": team.pk, "tier": "2"},
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    assert Service.objects.get(slug="ledger").team == team
