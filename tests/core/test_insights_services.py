"""Insights per affected service: the filter counts an incident once however many of the chosen
services it affects, the breakdown counts it once per service (and those naming none apart);
through the core (tests/api/test_catalog.py and tests/web/test_catalog.py: the API and the
page)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from response.core import verbs
from response.core.insights import insight_filters, insights
from response.core.models import Service
from tests.core.test_insights import MONDAY, PERIOD, make_incident

pytestmark = pytest.mark.django_db


def make_service_incidents():
    for slug in ("checkout", "ledger", "wiki"):
        verbs.save_service(slug=slug, name=slug.capitalize())
    both = make_incident(MONDAY, severity="critical", resolved=timedelta(hours=1))
    verbs.set_services(both, ["checkout", "ledger"])
    ledger = make_incident(MONDAY + timedelta(days=1), severity="major")
    verbs.set_services(ledger, ["ledger"])
    make_incident(MONDAY + timedelta(days=2), severity="minor")  # names no service


@pytest.fixture
def incidents():
    make_service_incidents()


def ids(*slugs):
    return [Service.objects.get(slug=s).pk for s in slugs]


def test_filtered_by_services_each_incident_counts_once(incidents):
    user = get_user_model().objects.create_user("someone")
    every = insights(user, insight_filters(**PERIOD))
    assert every.total == 3
    chosen = insight_filters(**PERIOD, chosen={"service": ids("checkout", "ledger")})
    assert insights(user, chosen).total == 2  # not 3: the first affects both
    assert insights(user, insight_filters(**PERIOD, chosen={"service": ids("wiki")})).total == 0
    by_service = {(b.label, b.count) for b in every.breakdowns if b.dimension == "service"}
    assert by_service == {("Ledger", 2), ("Checkout", 1), (None, 1)}
