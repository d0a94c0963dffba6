import pytest
from django.db import connection
from django.urls import reverse

from response.core import verbs
from response.core.models import AuditEvent, Incident
from tests.factories import ExternalUserFactory, declare

pytestmark = pytest.mark.django_db


def test_declare_from_the_web(signed_in, user):
    me = ExternalUserFactory(user=user, display_name="alex-slack")
    page = signed_in.get(reverse("web:declare"))
    assert page.status_code == 200
    key = page.context["form"].initial["dedup_key"]
    data = {
        "title": "Emails are delayed",
        "summary": "Queue backlog",
        "impact": "",
        "severity": "",
        "lead": me.pk,
        "started_at": "",
        "dedup_key": key,
    }
    response = signed_in.post(reverse("web:declare"), data)
    incident = Incident.objects.get()
    assert response["Location"] == reverse("web:incident", args=[incident.pk])
    assert incident.reporter == me and incident.lead == me and incident.summary == "Queue backlog"
    assert AuditEvent.objects.get(verb="incident.declared").actor_user == user
    again = signed_in.post(reverse("web:declare"), data)  # a double submission
    assert again["Location"] == response["Location"] and Incident.objects.count() == 1


def test_declare_private_and_report_only(signed_in):
    data = {"title": "Old outage", "is_private": "on", "is_report_only": "on", "dedup_key": "k1"}
    signed_in.post(reverse("web:declare"), data)
    incident = Incident.objects.get()
    assert incident.is_private and incident.status == "reported"


def test_declare_errors(signed_in):
    response = signed_in.post(reverse("web:declare"), {"title": "  ", "dedup_key": "k2"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not Incident.objects.exists()


def test_writeup_and_markdown_export(signed_in):
    lead = ExternalUserFactory(display_name="dana")
    incident = declare("Checkout down", summary="Cards **failed**", impact="EU", lead=lead)
    verbs.set_status(incident, "identified", by=lead)
    verbs.set_status(incident, "monitoring", by=lead)
    verbs.add_action(incident, "Add an alert", owner=lead, by=lead)
    verbs.add_timeline_event(incident, "Rolled back\nthe deploy", author=lead)
    verbs.resolve_incident(incident, by=lead)
    html = signed_in.get(reverse("web:writeup", args=[incident.pk])).content.decode()
    for text in ("Post-incident report", "Cards <strong>failed</strong>", "Time to resolve",
                 "Add an alert", "Rolled back", "Download Markdown"):  # fmt: skip
        assert text in html
    export = signed_in.get(reverse("web:writeup_markdown", args=[incident.pk]))
    assert export["Content-Type"].startswith("text/markdown")
    assert export["Content-Disposition"] == (
        f'attachment; filename="incident-{incident.pk}-checkout-down.md"'
    )
    text = export.content.decode()
    assert text.startswith(f"# Incident #{incident.pk}: Checkout down")
    assert "Cards **failed**" in text
    assert "- [ ] Add an alert (owner: dana)" in text
    assert "Rolled back the deploy — dana" in text
    assert "| Resolved |" in text and "Time to mitigate:" in text
    assert "&lt;" not in text and "&#x27;" not in text


def test_writeup_markdown_is_not_html_escaped(signed_in):
    incident = declare("Tom's <b>bold</b> & co")
    text = signed_in.get(reverse("web:writeup_markdown", args=[incident.pk])).content.decode()
    assert "Tom's <b>bold</b> & co" in text


def test_search_index_migration_matches_the_query():
    import importlib

    from response.core import search

    migration = importlib.import_module(
        "response.core.migrations.0004_indexes_of_the_lists_and_the_search"
    )
    assert migration.INCIDENT_TSVECTOR == search.INCIDENT_TSVECTOR
    assert migration.TIMELINE_TSVECTOR == search.TIMELINE_TSVECTOR
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_search'")
            assert set(migration.SEARCH_INDEXES) <= {row[0] for row in cursor.fetchall()}
