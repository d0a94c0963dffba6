from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from response.core import verbs
from response.core.models import Severity
from response.web.views.pages import PAGE_SIZE
from tests.factories import ExternalUserFactory, declare

pytestmark = pytest.mark.django_db
LIST = reverse("web:incidents")


def titles(response) -> list[str]:
    return [incident.title for incident, _ in response.context["rows"]]


def test_open_incidents_first_then_recent(signed_in):
    old_open = declare("old but open")
    closed = declare("recently resolved")
    verbs.resolve_incident(closed)
    new_open = declare("new and open")
    newest_closed = declare("newest, reported after the fact", is_report_only=True)
    response = signed_in.get(LIST)
    assert titles(response) == [
        new_open.title,
        old_open.title,
        newest_closed.title,
        closed.title,
    ]
    assert response.context["open_count"] == 2
    html = response.content.decode()
    assert "running" in html  # open rows show their age


def test_rows_show_severity_status_lead_and_link(signed_in):
    lead = ExternalUserFactory(display_name="lena")
    incident = declare("DNS is down", severity="major", lead=lead)
    html = signed_in.get(LIST).content.decode()
    assert "Major" in html and "Investigating" in html and "lena" in html
    assert reverse("web:incident", args=[incident.pk]) in html


def test_filters(signed_in):
    lead = ExternalUserFactory()
    a = declare("alpha", severity="critical", lead=lead)
    b = declare("bravo", severity="minor")
    verbs.resolve_incident(b)
    critical = Severity.objects.get(slug="critical")
    assert titles(signed_in.get(LIST, {"status": "open"})) == ["alpha"]
    assert titles(signed_in.get(LIST, {"status": "closed"})) == ["bravo"]
    assert titles(signed_in.get(LIST, {"status": "resolved"})) == ["bravo"]
    assert titles(signed_in.get(LIST, {"severity": critical.pk})) == ["alpha"]
    assert titles(signed_in.get(LIST, {"lead": lead.pk})) == ["alpha"]
    today = a.reported_at.date()
    assert len(titles(signed_in.get(LIST, {"since": today, "until": today}))) == 2
    tomorrow = today + timedelta(days=1)
    assert titles(signed_in.get(LIST, {"since": tomorrow})) == []
    assert "No incidents match" in signed_in.get(LIST, {"since": tomorrow}).content.decode()
    bad = signed_in.get(LIST, {"since": "not a date"})
    assert bad.status_code == 200 and "Enter a valid date" in bad.content.decode()


def test_search_title_summary_impact_and_timeline(signed_in):
    declare("Payments failing", summary="cards declined")
    declare("Search is slow", impact="customers in the Netherlands")
    timeline = declare("Login trouble")
    verbs.add_timeline_event(timeline, "Rolled back the kubernetes deploy", source="slack:C:9")
    declare("Unrelated")
    assert titles(signed_in.get(LIST, {"q": "payments"})) == ["Payments failing"]
    assert titles(signed_in.get(LIST, {"q": "declined"})) == ["Payments failing"]
    assert titles(signed_in.get(LIST, {"q": "netherlands"})) == ["Search is slow"]
    assert titles(signed_in.get(LIST, {"q": "kubernetes"})) == ["Login trouble"]
    assert titles(signed_in.get(LIST, {"q": "kubernetes rolled"})) == ["Login trouble"]
    assert titles(signed_in.get(LIST, {"q": "nothing-matches-this"})) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_postgres_search_stems_words(signed_in):
    declare("Payments failing")
    assert titles(signed_in.get(LIST, {"q": "payment fails"})) == ["Payments failing"]
    assert titles(signed_in.get(LIST, {"q": '"payments failing" -refunds'})) == ["Payments failing"]


def test_private_incidents_are_left_out_of_list_search_and_counts(signed_in, user, staff):
    declare("public one")
    declare("secret one", is_private=True, summary="secret")
    response = signed_in.get(LIST)
    assert titles(response) == ["public one"]
    assert response.context["open_count"] == 1
    assert "secret" not in response.content.decode()
    assert titles(signed_in.get(LIST, {"q": "secret"})) == []
    signed_in.force_login(staff)
    assert titles(signed_in.get(LIST, {"q": "secret"})) == ["secret one"]


def test_private_incidents_show_to_the_people_involved(signed_in, user):
    me = ExternalUserFactory(user=user)
    declare("mine", is_private=True, reporter=me)
    assert titles(signed_in.get(LIST)) == ["mine"]


def test_pagination(signed_in):
    for i in range(PAGE_SIZE + 3):
        declare(f"incident {i}", started_at=datetime(2026, 1, 1, tzinfo=UTC))
    first = signed_in.get(LIST)
    assert len(titles(first)) == PAGE_SIZE
    second = signed_in.get(LIST, {"page": 2, "status": "open"})
    assert len(titles(second)) == 3
    assert "status=open&amp;page=1" in second.content.decode()


def _count(client, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(LIST, params or {}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("params", [{}, {"q": "incident"}, {"status": "open", "severity": 1}])
def test_query_count_does_not_grow_with_incidents(signed_in, params):
    def make(n):
        for i in range(n):
            incident = declare(f"incident {i}", severity="critical", lead=ExternalUserFactory())
            if i % 2:
                verbs.resolve_incident(incident)

    make(2)
    small = _count(signed_in, params)
    make(18)
    big = _count(signed_in, params)
    assert small == big <= 12, (small, big)


def test_the_slack_channel_is_linked_when_there_is_one(signed_in):
    from django.apps import apps

    if not apps.is_installed("response.slack"):
        pytest.skip("the Slack app is not installed")
    from response.slack.models import CommsChannel

    incident = declare("Payments")
    CommsChannel.objects.create(incident=incident, channel_id="C0PAY", name="inc-1-payments")
    link = 'href="https://slack.com/app_redirect?channel=C0PAY"'
    assert link in signed_in.get(LIST).content.decode()
    page = signed_in.get(reverse("web:incident", args=[incident.pk])).content.decode()
    assert link in page and "#inc-1-payments" in page


def test_search_with_many_matches(signed_in, monkeypatch):
    from response.core import search

    monkeypatch.setattr(search, "SEARCH_ID_LIST_MAX", 1)  # more matches: the other path
    declare("Payments failing")
    declare("Payments slow")
    declare("Login broken")
    pinned = declare("Checkout down")
    verbs.add_timeline_event(pinned, "the payments provider timed out", source="slack:C:2")
    assert sorted(titles(signed_in.get(LIST, {"q": "payments"}))) == [
        "Checkout down",
        "Payments failing",
        "Payments slow",
    ]
    assert titles(signed_in.get(LIST, {"q": "payments", "status": "open", "page": 2})) == []
