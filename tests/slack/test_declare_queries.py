"""What declaring from a message and keeping others informed cost: the declare form's list of
recent incidents is one query, and a change costs no query more while nobody subscribed and no
announcement rule is set."""

from __future__ import annotations

import pytest

from response.core.events import Change, IncidentChanged
from response.slack.inbound.source import recent_incidents
from response.slack.outbound import informing
from tests.factories import declare


@pytest.mark.django_db
def test_the_recent_incidents_are_one_query(django_assert_num_queries):
    for n in range(7):
        declare(f"Incident {n}", severity="major")
    with django_assert_num_queries(1):
        recent = recent_incidents()
    assert len(recent) == 5 and recent[0].title == "Incident 6"


@pytest.mark.django_db
def test_changes_cost_nothing_more_without_subscribers_or_rules(
    settings, django_assert_num_queries
):
    settings.SLACK_BOT_TOKEN = "xoxb-test"
    settings.RESPONSE_ANNOUNCE = ""
    incident = declare("Checkout is failing", severity="critical")
    for kind, queries in (
        (Change.DECLARED, 0),
        (Change.SEVERITY, 0),
        (Change.LEAD, 0),
        (Change.STATUS_UPDATE, 1),  # who subscribed
        (Change.RESOLVED, 1),
        (Change.TIMELINE_ADDED, 0),  # without an entry: nothing to look at
    ):
        event = IncidentChanged(incident_id=incident.pk, kind=kind, incident=incident)
        with django_assert_num_queries(queries):
            informing.on_incident_changed(None, event)
