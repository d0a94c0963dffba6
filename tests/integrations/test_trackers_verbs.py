"""The core verbs of exporting a follow-up action: asked once or twice, linked, refused."""

from __future__ import annotations

import pytest

from response.core import verbs
from response.core.errors import Conflict, InvalidInput
from response.core.models import AuditEvent, TimelineEvent
from response.engine.models import Job
from tests.factories import declare

pytestmark = pytest.mark.django_db


@pytest.fixture
def jira_on(settings):
    settings.TRACKERS = ["jira"]


def test_without_a_tracker_nothing_can_be_exported(settings):
    settings.TRACKERS = []
    action = verbs.add_action(declare(), "Rotate it")
    with pytest.raises(InvalidInput, match="No issue tracker is set up"):
        verbs.request_action_export(action, by=None)
    settings.TRACKERS = ["jira"]
    with pytest.raises(InvalidInput, match="not a tracker set up here"):
        verbs.request_action_export(action, "github", by=None)


def test_asked_twice_is_one_request_and_one_job(jira_on, django_assert_num_queries):
    action = verbs.add_action(declare(), "Rotate it")
    with django_assert_num_queries(8):
        verbs.request_action_export(action, by=None)  # the first tracker set up
    assert action.tracker == "jira" and action.is_being_exported
    verbs.request_action_export(action, "jira", by=None)
    assert AuditEvent.objects.filter(verb="action.export_requested").count() == 1
    [job] = Job.objects.filter(kind="trackers.export")
    assert job.payload == {"action_id": action.pk, "tracker": "jira", "requested_by": None}
    assert job.lane == f"trackers:{action.incident_id}"


def test_one_tracker_at_a_time(settings):
    settings.TRACKERS = ["jira", "github"]
    action = verbs.add_action(declare(), "Rotate it")
    verbs.request_action_export(action, "jira", by=None)
    with pytest.raises(Conflict, match="being exported to Jira already"):
        verbs.request_action_export(action, "github", by=None)


def test_linked_once_then_exported_for_good(jira_on):
    action = verbs.add_action(declare(), "Rotate it")
    verbs.request_action_export(action, by=None)
    url = "https://acme.atlassian.net/browse/OPS-1"
    verbs.link_action_to_tracker(action, tracker="jira", key="OPS-1", url=url)
    verbs.link_action_to_tracker(action, tracker="jira", key="OPS-1", url=url)  # again: nothing
    assert TimelineEvent.objects.filter(metadata__tracker_key="OPS-1").count() == 1
    with pytest.raises(Conflict, match="already linked to OPS-1"):
        verbs.link_action_to_tracker(action, tracker="jira", key="OPS-2", url=url)
    with pytest.raises(Conflict, match="already exported to Jira: OPS-1"):
        verbs.request_action_export(action, by=None)
    # A late refusal (of a second request) does not undo the export.
    verbs.record_action_export_failure(action, tracker="jira", reason="nope")
    assert (action.tracker_key, action.tracker_error) == ("OPS-1", "")


def test_a_refusal_is_kept_until_asked_again(jira_on):
    action = verbs.add_action(declare(), "Rotate it")
    verbs.request_action_export(action, by=None)
    verbs.record_action_export_failure(action, tracker="jira", reason="valid project is required")
    assert (action.tracker, action.tracker_error) == ("", "valid project is required")
    verbs.request_action_export(action, by=None)
    assert (action.tracker, action.tracker_error) == ("jira", "")


def test_a_done_action_is_not_exported(jira_on):
    action = verbs.add_action(declare(), "Rotate it")
    verbs.complete_action(action)
    with pytest.raises(Conflict, match="is done"):
        verbs.request_action_export(action, by=None)
