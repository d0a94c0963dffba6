"""Every verb: what it writes, its timeline entry, its audit row and its announcement."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from response.core import verbs
from response.core.errors import InvalidInput, InvalidTransition, NotFound
from response.core.events import incident_changed
from response.core.models import Action, AuditEvent, Incident, Severity, Status, TimelineEvent
from response.core.selectors import timeline_of
from tests.factories import ExternalUserFactory, declare

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced():
    """The announcements sent (inside the transaction of each change)."""
    received = []

    def receiver(sender, event, **kwargs):
        received.append(event)

    incident_changed.connect(receiver)
    yield received
    incident_changed.disconnect(receiver)


def audit_verbs(incident):
    return list(AuditEvent.objects.filter(incident=incident).values_list("verb", flat=True))


def timeline_texts(incident):
    """What the timeline says, as the web page and the API show it."""
    return [entry.display_text for entry in timeline_of(incident)]


def test_declare_records_incident_timeline_audit_and_announces(
    django_capture_on_commit_callbacks, announced
):
    alice = ExternalUserFactory(display_name="alice")
    with django_capture_on_commit_callbacks(execute=True):
        incident = verbs.declare_incident(
            title="  Payments are failing  ",
            summary="Card payments return 500",
            impact="All EU customers",
            severity="critical",
            lead=alice,
            reporter=alice,
            by=alice,
        )
    incident.refresh_from_db()
    assert incident.title == "Payments are failing"
    assert incident.status == Status.INVESTIGATING
    assert incident.severity.slug == "critical"
    assert incident.lead == alice and incident.reporter == alice
    assert incident.is_open() and not incident.is_closed()
    assert timeline_texts(incident) == ["Declared: Payments are failing"]
    audit = AuditEvent.objects.get(incident=incident)
    assert audit.verb == "incident.declared"
    assert audit.actor == alice and audit.actor_name == "alice"
    assert audit.after["severity"] == "critical"
    assert [e.kind for e in announced] == ["declared"]
    assert announced[0].incident_id == incident.pk and announced[0].actor_id == alice.pk


def test_nothing_is_announced_when_the_change_is_refused(
    django_capture_on_commit_callbacks, announced
):
    incident = declare()
    announced.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidTransition):
        verbs.reopen_incident(incident)
    assert announced == []


def test_announcements_are_part_of_the_change(announced):
    """A receiver that fails takes the change with it: a change never loses its consequences."""

    def broken(sender, event, **kwargs):
        raise RuntimeError("could not queue the Slack work")

    incident_changed.connect(broken)
    try:
        with pytest.raises(RuntimeError):
            verbs.declare_incident(title="Payments are failing")
    finally:
        incident_changed.disconnect(broken)
    assert not Incident.objects.filter(title="Payments are failing").exists()


def test_declare_report_only_is_reported_and_closed():
    incident = declare(is_report_only=True)
    assert incident.status == Status.REPORTED
    assert incident.is_closed()
    assert incident.resolved_at is not None


def test_declare_with_the_same_dedup_key_returns_the_first_incident():
    first = declare(dedup_key="view:V123")
    second = declare(title="Another title", dedup_key="view:V123")
    assert second.pk == first.pk
    assert Incident.objects.count() == 1
    assert AuditEvent.objects.filter(verb="incident.declared").count() == 1


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "The title cannot be empty."),
        ("   ", "The title cannot be empty."),
        ("x" * 256, "The title is 256 characters long; the limit is 255."),
    ],
)
def test_declare_refuses_bad_titles_and_writes_nothing(title, message):
    with pytest.raises(InvalidInput) as error:
        declare(title=title)
    assert error.value.message == message
    assert error.value.field == "title"
    assert Incident.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    assert TimelineEvent.objects.count() == 0


def test_unknown_severity_is_refused_with_the_choices():
    with pytest.raises(InvalidInput) as error:
        declare(severity="apocalyptic")
    assert "Unknown severity “apocalyptic”" in error.value.message
    assert "critical (1)" in error.value.message
    assert Incident.objects.count() == 0


@pytest.mark.parametrize("given", ["critical", "Critical", "1", 1, "sev1", "SEV 1"])
def test_severity_is_found_by_slug_name_or_rank(given):
    incident = declare()
    verbs.set_severity(incident, given)
    assert incident.severity.slug == "critical"


def test_severities_are_data_a_team_can_extend():
    Severity.objects.create(slug="sev0", name="Catastrophic", rank=0, emoji="🔥")
    incident = declare(severity="catastrophic")
    assert incident.severity.slug == "sev0"


def test_set_severity_records_the_change():
    incident = declare(severity="minor")
    bob = ExternalUserFactory()
    verbs.set_severity(incident, "major", by=bob)
    assert incident.severity.slug == "major"
    assert timeline_texts(incident)[-1] == "Severity changed from Minor to Major"
    event = AuditEvent.objects.filter(verb="incident.severity_changed").get()
    assert (event.before, event.after, event.actor) == (
        {"severity": "minor"},
        {"severity": "major"},
        bob,
    )


def test_setting_the_same_severity_changes_nothing():
    incident = declare(severity="minor")
    verbs.set_severity(incident, "minor")
    assert audit_verbs(incident) == ["incident.declared"]


def test_set_lead_and_remove_lead():
    incident = declare()
    carol = ExternalUserFactory(display_name="carol")
    verbs.set_lead(incident, carol, by=carol)
    assert Incident.objects.get(pk=incident.pk).lead == carol
    verbs.set_lead(incident, None, by=carol)
    assert Incident.objects.get(pk=incident.pk).lead is None
    assert timeline_texts(incident)[-2:] == [
        "carol is now leading the incident",
        "The lead was removed",
    ]
    assert audit_verbs(incident).count("incident.lead_changed") == 2


def test_update_incident_changes_only_what_changed():
    incident = declare(summary="old")
    verbs.update_incident(incident, summary="new", impact="", title=incident.title)
    incident.refresh_from_db()
    assert incident.summary == "new"
    event = AuditEvent.objects.get(verb="incident.updated")
    assert event.before == {"summary": "old"} and event.after == {"summary": "new"}
    assert timeline_texts(incident)[-1] == "Summary changed to: new"


def test_update_incident_refuses_a_future_start():
    incident = declare()
    with pytest.raises(InvalidInput, match="cannot be in the future"):
        verbs.update_incident(incident, started_at=timezone.now() + timedelta(hours=1))


def test_start_time_may_be_before_the_report():
    incident = declare()
    earlier = incident.reported_at - timedelta(hours=2)
    verbs.update_incident(incident, started_at=earlier)
    incident.refresh_from_db()
    assert incident.started_at == earlier
    assert incident.duration() >= timedelta(hours=2)


ALL_STATUSES = [s for s in Status]
ALLOWED = {
    (Status.INVESTIGATING, Status.IDENTIFIED),
    (Status.INVESTIGATING, Status.MONITORING),
    (Status.INVESTIGATING, Status.RESOLVED),
    (Status.IDENTIFIED, Status.INVESTIGATING),
    (Status.IDENTIFIED, Status.MONITORING),
    (Status.IDENTIFIED, Status.RESOLVED),
    (Status.MONITORING, Status.INVESTIGATING),
    (Status.MONITORING, Status.IDENTIFIED),
    (Status.MONITORING, Status.RESOLVED),
}


def incident_in(status: Status) -> Incident:
    if status == Status.REPORTED:
        return declare(is_report_only=True)
    if status in (Status.TRIAGE, Status.DECLINED):  # an alert's (response.core.verbs.triage)
        incident, _ = verbs.open_triage_incident(title="An alert", dedup_key="alert")
        if status == Status.DECLINED:
            verbs.decline_triage(incident, reason="Noise")
        return incident
    incident = declare()
    if status != Status.INVESTIGATING:
        verbs.set_status(incident, status)
    return incident


@pytest.mark.parametrize("old", ALL_STATUSES)
@pytest.mark.parametrize("new", ALL_STATUSES)
def test_status_transitions(old, new):
    incident = incident_in(old)
    audit_before = AuditEvent.objects.count()
    if (old, new) in ALLOWED:
        verbs.set_status(incident, new)
        assert Incident.objects.get(pk=incident.pk).status == new
        assert AuditEvent.objects.count() == audit_before + 1
    else:
        with pytest.raises(InvalidTransition) as error:
            verbs.set_status(incident, new)
        assert error.value.message.startswith(f"Incident #{incident.pk} is")
        assert Incident.objects.get(pk=incident.pk).status == old
        assert AuditEvent.objects.count() == audit_before


def test_status_milestones_keep_the_first_time_reached():
    incident = declare()
    verbs.set_status(incident, "identified")
    first = incident.identified_at
    verbs.set_status(incident, "investigating")
    verbs.set_status(incident, "identified")
    assert incident.identified_at == first
    verbs.set_status(incident, "monitoring")
    assert incident.monitoring_at is not None


def test_resolve_then_resolving_again_is_refused():
    incident = declare()
    verbs.resolve_incident(incident)
    assert incident.status == Status.RESOLVED and incident.resolved_at is not None
    with pytest.raises(InvalidTransition, match="already resolved"):
        verbs.resolve_incident(incident)
    assert audit_verbs(incident).count("incident.resolved") == 1


def test_unknown_status_is_refused():
    incident = declare()
    with pytest.raises(InvalidInput, match="Unknown status “fixed”"):
        verbs.set_status(incident, "fixed")


def test_reopen_a_resolved_incident():
    incident = declare()
    verbs.resolve_incident(incident)
    verbs.reopen_incident(incident)
    assert incident.status == Status.INVESTIGATING
    assert incident.resolved_at is None
    assert "Reopened (Investigating)" in timeline_texts(incident)


def test_reopen_an_open_incident_is_refused():
    with pytest.raises(InvalidTransition, match="still open"):
        verbs.reopen_incident(declare())


def test_reopen_a_report_only_incident_makes_it_live():
    incident = declare(is_report_only=True)
    verbs.reopen_incident(incident)
    assert incident.status == Status.INVESTIGATING and not incident.is_report_only


def test_duration_until_resolution():
    incident = declare()
    verbs.update_incident(incident, started_at=incident.reported_at - timedelta(minutes=30))
    verbs.resolve_incident(incident)
    assert timedelta(minutes=30) <= incident.duration() < timedelta(minutes=31)


def test_post_status_update():
    incident = declare()
    before = incident.last_update_at
    entry = verbs.post_status_update(incident, "Rolled back.\nWatching error rates.")
    assert entry.kind == TimelineEvent.Kind.UPDATE
    assert entry.text == "Rolled back.\nWatching error rates."
    assert incident.last_update_at > before
    with pytest.raises(InvalidInput):
        verbs.post_status_update(incident, "  ")


def test_actions_add_update_complete_reopen():
    incident = declare()
    owner = ExternalUserFactory()
    action = verbs.add_action(incident, "Add an alert on error rate", owner=owner)
    assert action.owner == owner and not action.done
    verbs.update_action(action, due_date=date(2030, 1, 1), priority="high")
    action.refresh_from_db()
    assert action.due_date == date(2030, 1, 1) and action.priority == "high"
    verbs.complete_action(action)
    assert action.done and action.done_at is not None
    verbs.complete_action(action, done=False)
    assert not Action.objects.get(pk=action.pk).done
    assert audit_verbs(incident)[1:] == [
        "action.added",
        "action.updated",
        "action.completed",
        "action.reopened",
    ]
    with pytest.raises(InvalidInput, match="Unknown priority"):
        verbs.add_action(incident, "x", priority="urgent")
    with pytest.raises(InvalidInput, match="cannot be empty"):
        verbs.add_action(incident, "")


def test_timeline_entries_in_time_order_whatever_the_insertion_order():
    incident = declare()
    t0 = incident.reported_at
    verbs.add_timeline_event(incident, "later", timestamp=t0 + timedelta(minutes=5))
    verbs.add_timeline_event(incident, "earlier", timestamp=t0 - timedelta(minutes=5))
    assert timeline_texts(incident) == ["earlier", "Declared: Payments are failing", "later"]


def test_timeline_entry_from_the_same_source_is_added_once():
    incident = declare()
    first = verbs.add_timeline_event(incident, "pinned", source="slack:C1:1.000100")
    again = verbs.add_timeline_event(incident, "pinned", source="slack:C1:1.000100")
    assert first.pk == again.pk
    assert incident.timeline_events.filter(source="slack:C1:1.000100").count() == 1


def test_edit_and_remove_timeline_entries():
    incident = declare()
    entry = verbs.add_timeline_event(incident, "typo", source="slack:C1:2.0")
    new_time = incident.reported_at - timedelta(minutes=1)
    verbs.edit_timeline_event(entry, text="fixed", timestamp=new_time)
    entry.refresh_from_db()
    assert (entry.text, entry.timestamp) == ("fixed", new_time)
    assert verbs.remove_timeline_event_by_source(incident, "slack:C1:2.0")
    assert not verbs.remove_timeline_event_by_source(incident, "slack:C1:2.0")
    assert audit_verbs(incident)[-3:] == ["timeline.added", "timeline.edited", "timeline.removed"]


def test_a_row_removed_since_the_caller_read_it_is_not_found():
    """What a request does when another one removed its row between its read and its lock."""
    incident = declare()
    entry = verbs.add_timeline_event(incident, "note")
    verbs.remove_timeline_event(TimelineEvent.objects.get(pk=entry.pk))
    with pytest.raises(NotFound, match=f"Timeline entry #{entry.pk} was removed"):
        verbs.edit_timeline_event(entry, text="edited")
    with pytest.raises(NotFound):
        verbs.remove_timeline_event(entry)
    action = verbs.add_action(incident, "fix it")
    Action.objects.filter(pk=action.pk).delete()  # as the admin may
    with pytest.raises(NotFound, match=f"Follow-up action #{action.pk} was removed"):
        verbs.update_action(action, text="fix it now")
    with pytest.raises(NotFound):
        verbs.complete_action(action)
    assert audit_verbs(incident)[-3:] == ["timeline.added", "timeline.removed", "action.added"]


def test_moving_an_incident_is_decided_on_its_row_not_the_callers_copy():
    incident = declare()
    copy = Incident.objects.get(pk=incident.pk)  # read by a request, before another one's change
    verbs.set_status(incident, Status.IDENTIFIED)
    # Asked where it already is: refused, or, if_needed (a PATCH), done as it is.
    with pytest.raises(InvalidTransition, match="already identified"):
        verbs.move_incident(copy, Status.IDENTIFIED)
    verbs.move_incident(copy, Status.IDENTIFIED, if_needed=True)
    assert copy.status == Status.IDENTIFIED
    assert audit_verbs(incident).count("incident.status_changed") == 1
    # Resolved meanwhile: going back to investigating is a reopening, whatever the copy says.
    copy = Incident.objects.get(pk=incident.pk)
    verbs.resolve_incident(incident)
    verbs.move_incident(copy, Status.INVESTIGATING)
    assert audit_verbs(incident)[-1] == "incident.reopened"
    assert copy.status == Status.INVESTIGATING and copy.resolved_at is None


def test_naive_timestamps_are_refused():
    incident = declare()
    with pytest.raises(InvalidInput, match="time zone"):
        verbs.add_timeline_event(incident, "x", timestamp=datetime(2026, 1, 1, 12, 0))
    with pytest.raises(InvalidInput, match="time zone"):
        verbs.update_incident(incident, started_at=datetime(2026, 1, 1, 12, 0))


def test_aware_timestamps_from_any_zone_are_the_same_instant():
    incident = declare()
    tokyo = datetime(2026, 3, 1, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    los_angeles = datetime(2026, 2, 28, 16, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    a = verbs.add_timeline_event(incident, "from Tokyo", timestamp=tokyo)
    b = verbs.add_timeline_event(incident, "from LA", timestamp=los_angeles)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.timestamp == b.timestamp == datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
    assert a.timestamp.utcoffset() == timedelta(0)


def test_web_users_are_audited_by_name():
    from django.contrib.auth.models import User

    web_user = User.objects.create_user("dana", first_name="Dana", last_name="Scully")
    incident = declare()
    verbs.set_severity(incident, "major", by=web_user)
    event = AuditEvent.objects.get(verb="incident.severity_changed")
    assert event.actor_user == web_user and event.actor is None
    assert event.actor_name == "Dana Scully"


def test_a_lead_named_before_their_profile_arrived_is_named_once_it_does():
    from response.core.verbs import get_or_create_external_user, update_external_user_profile

    incident = declare()
    newcomer, _ = get_or_create_external_user("U0NEWCOMER", workspace_id="T0001")
    verbs.set_lead(incident, newcomer)
    assert "U0NEWCOMER is now leading the incident" in timeline_texts(incident)
    update_external_user_profile(newcomer, display_name="nina", full_name="Nina N")
    assert "nina is now leading the incident" in timeline_texts(incident)
    # The stored text is what was written then; what is shown follows the person's name.
    [entry] = incident.timeline_events.filter(kind="lead")
    assert entry.text == "U0NEWCOMER is now leading the incident"


def test_editing_a_lead_entry_makes_it_the_editors_words():
    incident = declare()
    carol = ExternalUserFactory(display_name="carol")
    verbs.set_lead(incident, carol)
    [entry] = incident.timeline_events.filter(kind="lead")
    verbs.edit_timeline_event(entry, text="Carol took over from Bob")
    verbs.update_external_user_profile(carol, display_name="caroline")
    assert "Carol took over from Bob" in timeline_texts(incident)
