"""assign_role / unassign_role: the row, the timeline entry, the audit row, the announcement;
nothing at all when nothing changes; their statements pinned."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from response.core import verbs
from response.core.errors import InvalidInput
from response.core.events import Change, incident_changed
from response.core.models import AuditEvent, RoleAssignment, TimelineEvent
from response.core.selectors import role_holders
from tests.factories import ExternalUserFactory, declare

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced():
    received = []

    def receiver(sender, event, **kwargs):
        received.append(event)

    incident_changed.connect(receiver)
    yield received
    incident_changed.disconnect(receiver)


def test_assign_reassign_and_clear(announced):
    incident = declare()
    bob = ExternalUserFactory(display_name="Bob")
    carol = ExternalUserFactory(display_name="Carol")
    dana = ExternalUserFactory(display_name="Dana")
    verbs.assign_role(incident, "comms", bob, by=dana)
    verbs.assign_role(incident, "Communications", carol, by=dana)
    verbs.unassign_role(incident, "comms lead", by=dana)
    texts = [
        e.display_text
        for e in TimelineEvent.objects.filter(incident=incident, kind="role").select_related(
            "subject"
        )
    ]
    assert texts == [
        "Bob is now Comms lead",
        "Carol is now Comms lead (was Bob)",
        "Nobody is Comms lead now (was Carol)",
    ]
    roles = [e for e in announced if e.kind == Change.ROLE]
    assert [(e.extra["role"], e.object_id) for e in roles] == [
        ("comms", bob.pk),
        ("comms", carol.pk),
        ("comms", None),
    ]
    audits = AuditEvent.objects.filter(incident=incident, verb="incident.role_changed")
    assert [a.after["holder"] and a.after["holder"]["name"] for a in audits] == [
        "Bob",
        "Carol",
        None,
    ]
    assert not RoleAssignment.objects.exists()


def test_the_holder_again_changes_nothing_and_the_statements_are_pinned(announced):
    incident = declare()
    bob = ExternalUserFactory(display_name="Bob")
    with CaptureQueriesContext(connection) as first:
        verbs.assign_role(incident, "scribe", bob, by=bob)
    announced.clear()
    with CaptureQueriesContext(connection) as again:
        verbs.assign_role(incident, "scribe", bob, by=bob)
    assert announced == []
    assert TimelineEvent.objects.filter(incident=incident, kind="role").count() == 1
    # Savepoint, lock, read the role, write it, the incident's updated_at, the timeline entry,
    # the audit row, release: 8. Again: savepoint, lock, read, release.
    assert (len(first), len(again)) == (8, 4), [q["sql"] for q in first.captured_queries]


def test_the_lead_is_incident_lead_and_bots_and_unknown_roles_are_refused():
    incident = declare()
    erin = ExternalUserFactory(display_name="Erin")
    verbs.assign_role(incident, "IC", erin)
    incident.refresh_from_db()
    assert incident.lead == erin
    assert [(h.role.slug, h.holder) for h in role_holders(incident)] == [
        ("lead", erin),
        ("comms", None),
        ("scribe", None),
    ]
    with pytest.raises(InvalidInput, match="a role needs a person"):
        verbs.assign_role(incident, "scribe", ExternalUserFactory(is_bot=True))
    with pytest.raises(InvalidInput, match="There is no role “janitor”"):
        verbs.assign_role(incident, "janitor", erin)
    verbs.unassign_role(incident, "lead")
    incident.refresh_from_db()
    assert incident.lead is None
