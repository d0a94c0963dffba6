"""The service catalog on the web: the incident page shows and sets the affected services, the
list filters by service, and the insights page counts per service."""

from __future__ import annotations

import pytest
from django.urls import reverse

from response.core import verbs
from response.core.models import AuditEvent, TimelineEvent
from tests.core.test_insights_services import ids, make_service_incidents
from tests.factories import declare

pytestmark = pytest.mark.django_db
LIST = reverse("web:incidents")


@pytest.fixture
def catalog():
    verbs.save_service(slug="checkout", name="Checkout")
    verbs.save_service(slug="ledger", name="Ledger")


def titles(response) -> list[str]:
    return [incident.title for incident, _ in response.context["rows"]]


def test_the_incident_page_shows_and_sets_the_services(signed_in, catalog):
    incident = declare("Payments down")
    page = signed_in.get(reverse("web:incident", args=[incident.pk])).content.decode()
    assert "Affected services" in page and "None named yet." in page
    response = signed_in.post(
        reverse("web:services", args=[incident.pk]), {"services": ["checkout", "ledger"]}
    )
    assert response.status_code == 302
    assert sorted(incident.services.values_list("slug", flat=True)) == ["checkout", "ledger"]
    entry = TimelineEvent.objects.filter(incident=incident, kind="field").latest("id")
    assert entry.text == "Affected services: Checkout, Ledger (on the web)"
    assert AuditEvent.objects.filter(incident=incident, verb="incident.services_changed").exists()
    page = signed_in.get(reverse("web:incident", args=[incident.pk])).content.decode()
    assert '<ul class="services"><li>Checkout</li><li>Ledger</li></ul>' in page
    # A service that is not in the catalog (any more) is refused by the form.
    refused = signed_in.post(reverse("web:services", args=[incident.pk]), {"services": ["nope"]})
    assert refused.status_code == 400


def test_without_a_catalog_the_page_has_no_services_card(signed_in):
    incident = declare("Payments down")
    page = signed_in.get(reverse("web:incident", args=[incident.pk])).content.decode()
    assert "Affected services" not in page


def test_the_list_filters_by_service_listing_each_incident_once(signed_in, catalog):
    both = declare("both")
    verbs.set_services(both, ["checkout", "ledger"])
    ledger = declare("ledger only")
    verbs.set_services(ledger, ["ledger"])
    declare("neither")
    assert titles(signed_in.get(LIST, {"service": "ledger"})) == ["ledger only", "both"]
    assert titles(signed_in.get(LIST, {"service": "checkout"})) == ["both"]
    assert len(titles(signed_in.get(LIST))) == 3


def test_the_insights_page_has_the_filter_and_the_chart(signed_in):
    make_service_incidents()
    page = signed_in.get("/insights/?since=2026-03-02&until=2026-03-22").content.decode()
    assert "Incidents by service" in page
    assert 'name="service"' in page
    ledger = ids("ledger")[0]
    filtered = signed_in.get(f"/insights/?since=2026-03-02&until=2026-03-22&service={ledger}")
    assert filtered.status_code == 200
    assert filtered.context["data"].total == 2
