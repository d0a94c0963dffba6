"""The insights page and its CSV downloads, through Django's test client."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from response.core import verbs
from response.core.models import Severity
from tests.core.test_insights import MONDAY, make_incident
from tests.factories import ExternalUserFactory

pytestmark = pytest.mark.django_db

PERIOD = "since=2026-03-02&until=2026-03-22"


@pytest.fixture
def incidents():
    lead = ExternalUserFactory(display_name="dana")
    make_incident(
        MONDAY,
        severity="critical",
        lead=lead,
        resolved=timedelta(hours=2),
        acknowledged=timedelta(minutes=12),
    )
    make_incident(MONDAY + timedelta(days=1), severity="major", resolved=timedelta(hours=1))
    make_incident(MONDAY + timedelta(days=8), severity="minor", is_report_only=True)
    secret_lead = ExternalUserFactory(display_name="secret.lead")
    make_incident(
        MONDAY + timedelta(days=9), severity="critical", is_private=True, lead=secret_lead
    )
    return lead


def chart_section(page: str, slug: str) -> str:
    found = re.search(rf'<section class="card chart" id="{slug}".*?</section>', page, re.S)
    assert found, slug
    return found.group(0)


def table_rows(section: str) -> list[list[str]]:
    body = re.search(r"<tbody>(.*?)</tbody>", section, re.S).group(1)
    return [
        [html.unescape(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_page_needs_a_sign_in(client):
    response = client.get("/insights/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_page_draws_every_chart_with_a_table_and_a_csv_link(signed_in, incidents):
    response = signed_in.get(f"/insights/?{PERIOD}")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="insights-total">3<' in page  # the private incident is not counted
    assert 'name="since" id="id_since" value="2026-03-02"' in page
    for slug in (
        "incidents-per-week",
        "time-to-acknowledge",
        "time-to-mitigate",
        "time-to-resolve",
        "time-in-status",
        "load-on-people",
    ):
        section = chart_section(page, slug)
        assert f"/insights/{slug}.csv?{PERIOD}".replace("&", "&amp;") in section
        assert "<table>" in section and "<caption" in section
    svg = chart_section(page, "incidents-per-week")
    assert (
        '<svg class="chart-svg"' in svg and "<title>Incidents per week by severity</title>" in svg
    )
    assert "secret.lead" not in page
    assert "dana" in chart_section(page, "load-on-people")


def test_the_csv_is_what_the_chart_shows(signed_in, incidents):
    page = signed_in.get(f"/insights/?{PERIOD}").content.decode()
    for slug in ("incidents-per-week", "time-to-resolve", "time-in-status", "load-on-people"):
        response = signed_in.get(f"/insights/{slug}.csv?{PERIOD}")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert f'filename="{slug}-2026-03-02-2026-03-22.csv"' in response["Content-Disposition"]
        _, *rows = list(csv.reader(io.StringIO(response.content.decode())))
        shown = table_rows(chart_section(page, slug))
        assert [[cell or "—" for cell in row] for row in rows] == shown, slug
    weeks = list(
        csv.reader(
            io.StringIO(
                signed_in.get(f"/insights/incidents-per-week.csv?{PERIOD}").content.decode()
            )
        )
    )
    assert weeks == [
        ["Week", "Critical", "Major", "Minor", "Trivial", "Total"],
        ["2026-03-02", "1", "1", "0", "0", "2"],
        ["2026-03-09", "0", "0", "1", "0", "1"],  # the private critical one is left out
        ["2026-03-16", "0", "0", "0", "0", "0"],
    ]


def test_staff_count_the_private_incident(staff, incidents):
    client = Client()
    client.force_login(staff)
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/insights/incidents-per-week.csv?{PERIOD}").content.decode())
        )
    )
    assert rows[2] == ["2026-03-09", "1", "0", "1", "0", "2"]


def test_filters_by_severity_and_report_only(signed_in, incidents):
    critical = Severity.objects.get(slug="critical").pk
    major = Severity.objects.get(slug="major").pk
    page = signed_in.get(f"/insights/?{PERIOD}&severity={critical}&severity={major}")
    assert 'class="insights-total">2<' in page.content.decode()
    page = signed_in.get(f"/insights/?{PERIOD}&report_only=exclude")
    assert 'class="insights-total">2<' in page.content.decode()
    assert "report-only excluded" in page.content.decode()
    rows = list(
        csv.reader(
            io.StringIO(
                signed_in.get(
                    f"/insights/incidents-per-week.csv?{PERIOD}&report_only=exclude&severity={major}"
                ).content.decode()
            )
        )
    )
    assert [row[-1] for row in rows[1:]] == ["1", "0", "0"]


def test_triage_incidents_are_left_out_unless_asked_for(signed_in, incidents):
    with time_machine.travel(MONDAY, tick=False):
        verbs.open_triage_incident(title="Disk full on db-3", dedup_key="alert:1")
    page = signed_in.get(f"/insights/?{PERIOD}").content.decode()
    assert 'class="insights-total">3<' in page
    page = signed_in.get(f"/insights/?{PERIOD}&triage=include").content.decode()
    assert 'class="insights-total">4<' in page and "triage included" in page


@pytest.mark.parametrize(
    "query, message",
    [
        ("since=2026-03-22&until=2026-03-01", "The period must start before it ends."),
        ("since=2001-01-01&until=2026-03-01", "The period can be at most"),
        ("since=yesterday", "Enter a valid date."),
        ("severity=999999", "Select a valid choice."),
        ("report_only=maybe", "Select a valid choice."),
    ],
)
def test_bad_filters_are_answered_clearly(signed_in, incidents, query, message):
    response = signed_in.get(f"/insights/?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert message in html.unescape(page) and "Showing the last 26 weeks instead." in page
    csv_response = signed_in.get(f"/insights/incidents-per-week.csv?{query}")
    assert csv_response.status_code == 400 and message in csv_response.content.decode()


def test_an_unknown_chart_is_a_404(signed_in):
    assert signed_in.get("/insights/nothing-like-it.csv").status_code == 404


def test_the_page_reads_a_fixed_number_of_rows(signed_in, incidents, django_assert_num_queries):
    signed_in.get(f"/insights/?{PERIOD}")
    for i in range(5):
        make_incident(
            MONDAY + timedelta(days=i), lead=ExternalUserFactory(), resolved=timedelta(hours=1)
        )
    # session, user, the services to filter by, the six insights queries
    with django_assert_num_queries(9):
        assert signed_in.get(f"/insights/?{PERIOD}").status_code == 200


def test_the_page_is_linked_from_the_top_bar(signed_in):
    page = signed_in.get("/incidents/").content.decode()
    assert 'href="/insights/"' in page


def test_an_empty_period_says_there_is_nothing_to_show(db):
    client = Client()
    client.force_login(get_user_model().objects.create_user("new"))
    with time_machine.travel(datetime(2026, 3, 18, 12, tzinfo=UTC), tick=False):
        page = client.get("/insights/").content.decode()
    assert page.count("Nothing to show for these filters.") == 6
    # The default period, in the date inputs: 26 weeks back from this week's Monday.
    assert 'id="id_since" value="2025-09-22"' in page and 'id="id_until" value="2026-03-18"' in page
