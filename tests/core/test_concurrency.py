"""Two people resolving the same incident at the same moment: one resolution, one audit row."""

import threading

import pytest
from django.db import connection

from response.core import verbs
from response.core.errors import InvalidTransition
from response.core.models import AuditEvent, Incident
from tests.factories import declare


def resolve_concurrently(incident: Incident, attempts: int) -> list[str]:
    barrier = threading.Barrier(attempts)
    outcomes: list[str] = []

    def resolve():
        try:
            barrier.wait()
            verbs.resolve_incident(Incident.objects.get(pk=incident.pk))
            outcomes.append("resolved")
        except InvalidTransition:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=resolve) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempts", [2, 4])
def test_concurrent_resolutions_resolve_once(attempts):
    for _ in range(5):
        incident = declare()
        outcomes = resolve_concurrently(incident, attempts)
        assert sorted(outcomes) == ["refused"] * (attempts - 1) + ["resolved"]
        assert AuditEvent.objects.filter(incident=incident, verb="incident.resolved").count() == 1
        assert incident.timeline_events.filter(text="Resolved").count() == 1
