"""Insights by incident type: the filter and the "Incidents by type" chart, on the page, in its
CSV and in GET /api/insights; none of it without types."""

from __future__ import annotations

from datetime import timedelta

import pytest

from response.core.models import IncidentType
from tests.core.test_insights import MONDAY, make_incident
from tests.incident_types import customer_type, security_type
from tests.web.test_insights import PERIOD, chart_section, table_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def typed():
    security_type()
    customer_type()
    for day in range(3):
        make_incident(MONDAY + timedelta(days=day), incident_type="customer")
    make_incident(
        MONDAY + timedelta(days=3), incident_type="security", fields={"data_exposed": "None"}
    )
    make_incident(MONDAY + timedelta(days=4))


def test_without_types_there_is_no_type_filter_or_chart(signed_in):
    make_incident(MONDAY)
    page = signed_in.get(f"/insights/?{PERIOD}").content.decode()
    assert "incidents-by-type" not in page and "<legend>Type" not in page


def test_the_page_breaks_incidents_down_by_type(signed_in, typed):
    page = signed_in.get(f"/insights/?{PERIOD}").content.decode()
    section = chart_section(page, "incidents-by-type")
    assert "Incidents by type" in section
    # Security is private by default: the signed-in user (not staff, not involved) sees 4.
    assert table_rows(section) == [["Customer-facing", "3"], ["Unset", "1"]]
    assert "<legend>Type" in page


def test_the_page_filters_by_type(signed_in, typed):
    customer = IncidentType.objects.get(slug="customer").pk
    page = signed_in.get(f"/insights/?{PERIOD}&type={customer}").content.decode()
    assert table_rows(chart_section(page, "incidents-by-type")) == [["Customer-facing", "3"]]
    csv_text = signed_in.get(f"/insights/incidents-by-type.csv?{PERIOD}&type={customer}")
    assert csv_text.content.decode().splitlines() == ["Type,Incidents", "Customer-facing,3"]
