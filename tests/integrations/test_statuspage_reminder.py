"""The stale status page reminder, pass by pass on the real schedule (what it queues for Slack:
the outbox's jobs); the integration switched on by its settings; the form's reads counted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from response import integrations
from response.core import verbs
from response.core.verbs import get_or_create_external_user
from response.engine.models import Job
from response.integrations import statuspage as statuspage_package
from response.integrations.statuspage.models import PublicIncident
from response.integrations.statuspage.selectors import publish_form
from response.slack.models import CommsChannel
from tests.integrations.statuspage_helpers import (  # noqa: F401 (fixtures)
    statuspage_fixture,
    statuspage_plugin_fixture,
)
from tests.notifications.helpers import run_due_notifications

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
STALE = "public status page has not been updated"


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def reminders() -> list[Job]:
    return [j for j in Job.objects.order_by("id") if STALE in (j.payload.get("text") or "")]


@pytest.fixture
def declared(django_capture_on_commit_callbacks, statuspage_plugin, time_machine):
    """A major incident (an update every 60 minutes) with a lead and a comms channel, at T0."""
    time_machine.move_to(T0, tick=False)
    lead, _ = get_or_create_external_user("U0BOB")
    with django_capture_on_commit_callbacks(execute=True):
        incident = verbs.declare_incident(title="Checkout is failing", severity="major", lead=lead)
    CommsChannel.objects.create(incident=incident, channel_id="C0INC", name="inc-checkout")
    return incident


def published(incident, at: datetime, status: str = "investigating") -> None:
    """What a publication job records (tests/integrations/test_statuspage_flow.py runs them)."""
    PublicIncident.objects.update_or_create(
        incident=incident,
        defaults={"statuspage_id": "inc1", "status": status, "last_published_at": at},
    )


def test_the_reminder_fires_when_the_public_page_is_stale_and_not_when_fresh(declared):
    run_due_notifications(now=minutes(10))
    assert not reminders()  # nothing public yet: nothing to keep fresh

    published(declared, minutes(40))
    run_due_notifications(now=minutes(70))
    run_due_notifications(now=minutes(99))
    assert not reminders()  # published 59 minutes ago: fresh
    run_due_notifications(now=minutes(100))
    [first] = reminders()
    assert "<@U0BOB>" in first.payload["text"] and "60 minutes" in first.payload["text"]
    assert "statuspage-open" in str(first.payload["blocks"])

    # Published again at 150: the next reminder is due an hour after that, not after the last.
    published(declared, minutes(150))
    run_due_notifications(now=minutes(160))
    run_due_notifications(now=minutes(209))
    assert len(reminders()) == 1
    run_due_notifications(now=minutes(210))
    assert len(reminders()) == 2

    # Resolved publicly: no more reminders.
    published(declared, minutes(215), status="resolved")
    run_due_notifications(now=minutes(400))
    assert len(reminders()) == 2


def test_no_cadence_at_the_severity_no_reminder(declared, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        verbs.set_severity(declared, "minor")
    published(declared, minutes(1))
    for n in (10, 70, 200, 2000):
        run_due_notifications(now=minutes(n))
    assert not reminders()


def test_the_settings_switch_the_integration_on(settings):
    settings.STATUSPAGE_API_KEY = ""
    settings.STATUSPAGE_PAGE_ID = "page1"
    assert not statuspage_package.configured()
    assert "response.integrations.statuspage.plugin" not in integrations.enabled()
    settings.STATUSPAGE_API_KEY = "key"
    assert statuspage_package.configured()
    assert "response.integrations.statuspage.plugin" in integrations.enabled()


def test_the_form_opens_from_a_few_reads(declared, django_assert_num_queries):
    """What the form starts with is read while Slack's trigger runs: a fixed, small cost."""
    published(declared, minutes(5))
    with django_assert_num_queries(5):
        form = publish_form(declared)
    assert form.public_exists and form.name == "Checkout is failing"
