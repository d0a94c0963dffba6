"""Key times: their order (refusals name both times, by the field edited), the times the verbs
set on their own, and the durations derived from them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from response.core import verbs
from response.core.durations import key_durations
from response.core.errors import InvalidInput
from response.core.models import AuditEvent, Status, TimelineEvent
from response.core.verbs.times import check_key_time_order
from tests.factories import ExternalUserFactory, declare

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


# --- The order (pure) ---------------------------------------------------------------------------


def test_times_in_order_pass():
    check_key_time_order(
        {
            "started_at": at(0),
            "detected_at": at(5),
            "reported_at": at(10),
            "acknowledged_at": at(8),  # before the report: a page acknowledged first
            "mitigated_at": at(30),
            "resolved_at": at(60),
        }
    )


def test_unknown_times_are_not_compared():
    check_key_time_order({"detected_at": None, "acknowledged_at": None, "mitigated_at": at(-10)})


def test_mitigated_before_detected_is_refused_naming_both():
    with pytest.raises(InvalidInput) as refused:
        check_key_time_order(
            {"started_at": at(0), "detected_at": at(20), "mitigated_at": at(10)},
            edited=("mitigated_at",),
        )
    assert refused.value.field == "mitigated_at"
    assert str(refused.value) == (
        "Mitigated (01 Mar 2026 12:10 UTC) cannot be before detected (01 Mar 2026 12:20 UTC)."
    )


def test_the_refusal_is_the_edited_field_even_when_it_is_the_earlier_one():
    with pytest.raises(InvalidInput) as refused:
        check_key_time_order(
            {"started_at": at(30), "detected_at": at(20), "resolved_at": at(60)},
            edited=("started_at",),
        )
    assert refused.value.field == "started_at"
    assert str(refused.value) == (
        "Impact started (01 Mar 2026 12:30 UTC) cannot be after detected (01 Mar 2026 12:20 UTC)."
    )


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("started_at", "detected_at"),
        ("detected_at", "reported_at"),
        ("detected_at", "acknowledged_at"),
        ("acknowledged_at", "mitigated_at"),
        ("mitigated_at", "resolved_at"),
        ("started_at", "resolved_at"),
    ],
)
def test_each_order_is_kept(earlier, later):
    with pytest.raises(InvalidInput) as refused:
        check_key_time_order({earlier: at(10), later: at(0)}, edited=(later,))
    assert refused.value.field == later


# --- Correcting them with the verb ---------------------------------------------------------------


def test_set_key_times_records_timeline_and_audit():
    alice = ExternalUserFactory()
    incident = declare()
    started = incident.reported_at - timedelta(hours=2)
    detected = incident.reported_at - timedelta(hours=1)
    verbs.set_key_times(incident, started_at=started, detected_at=detected, by=alice)
    incident.refresh_from_db()
    assert (incident.started_at, incident.detected_at) == (started, detected)
    entry = TimelineEvent.objects.filter(incident=incident).latest("id")
    assert entry.text.startswith("Key times corrected: impact started ")
    assert entry.metadata["fields"] == ["detected_at", "started_at"]
    row = AuditEvent.objects.filter(incident=incident).latest("id")
    assert set(row.after) == {"started_at", "detected_at"}


def test_set_key_times_refuses_mitigated_before_detected():
    incident = declare(started_at=timezone.now() - timedelta(hours=1))
    verbs.set_key_times(incident, detected_at=incident.reported_at - timedelta(minutes=10))
    with pytest.raises(InvalidInput) as refused:
        verbs.set_key_times(incident, mitigated_at=incident.reported_at - timedelta(minutes=20))
    assert refused.value.field == "mitigated_at"
    assert "cannot be before detected" in str(refused.value)
    incident.refresh_from_db()
    assert incident.mitigated_at is None


def test_set_key_times_refuses_the_future_an_unknown_start_and_a_resolution_while_open():
    incident = declare()
    with pytest.raises(InvalidInput, match="future"):
        verbs.set_key_times(incident, detected_at=timezone.now() + timedelta(hours=1))
    with pytest.raises(InvalidInput, match="cannot be unknown"):
        verbs.set_key_times(incident, started_at=None)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="Only a resolved incident") as refused:
        verbs.set_key_times(incident, resolved_at=timezone.now() - timedelta(minutes=1))
    assert refused.value.field == "resolved_at"


def test_set_key_times_clears_a_time_nobody_knows():
    incident = declare()
    verbs.set_status(incident, "identified")
    assert incident.acknowledged_at is not None
    verbs.set_key_times(incident, acknowledged_at=None)
    incident.refresh_from_db()
    assert incident.acknowledged_at is None


def test_nothing_changed_writes_nothing():
    incident = declare()
    before = TimelineEvent.objects.filter(incident=incident).count()
    verbs.set_key_times(incident, started_at=incident.started_at)
    assert TimelineEvent.objects.filter(incident=incident).count() == before


def test_moving_the_start_after_detection_is_refused_by_the_start():
    incident = declare(started_at=timezone.now() - timedelta(hours=2))
    verbs.set_key_times(incident, detected_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(InvalidInput) as refused:
        verbs.update_incident(incident, started_at=timezone.now() - timedelta(minutes=30))
    assert refused.value.field == "started_at"


# --- Set by the verbs where the product knows them ---------------------------------------------


def test_declaring_sets_detected_at_the_report():
    incident = declare(started_at=timezone.now() - timedelta(hours=1))
    assert incident.detected_at == incident.reported_at
    assert incident.acknowledged_at is None and incident.mitigated_at is None


def test_taking_the_lead_acknowledges_once():
    incident = declare()
    verbs.set_lead(incident, ExternalUserFactory())
    first = incident.acknowledged_at
    assert first is not None
    verbs.set_lead(incident, ExternalUserFactory())
    assert incident.acknowledged_at == first  # the first one who took it on


def test_removing_the_lead_does_not_acknowledge():
    incident = declare()
    verbs.set_lead(incident, None)
    assert incident.acknowledged_at is None


def test_moving_the_status_on_acknowledges_and_monitoring_mitigates():
    incident = declare()
    verbs.set_status(incident, "identified")
    assert incident.acknowledged_at == incident.identified_at
    assert incident.mitigated_at is None
    verbs.set_status(incident, "monitoring")
    assert incident.mitigated_at == incident.monitoring_at
    verbs.resolve_incident(incident)
    assert incident.mitigated_at == incident.monitoring_at  # kept: mitigated once


def test_resolving_straight_away_mitigates_at_the_resolution():
    incident = declare()
    verbs.resolve_incident(incident)
    assert incident.mitigated_at == incident.resolved_at
    assert incident.acknowledged_at == incident.resolved_at


def test_a_time_people_set_is_not_overwritten():
    incident = declare(started_at=timezone.now() - timedelta(hours=1))
    mitigated = timezone.now() - timedelta(seconds=30)
    verbs.set_key_times(incident, mitigated_at=mitigated, detected_at=mitigated)
    verbs.set_status(incident, "monitoring")
    assert incident.mitigated_at == mitigated


def test_an_automatic_time_that_would_break_the_order_is_left_unknown():
    incident = declare(started_at=timezone.now() - timedelta(hours=3))
    # Resolved by hand at a time before it was detected: detected→mitigated would break.
    verbs.resolve_incident(incident, at=timezone.now() - timedelta(hours=2))
    assert incident.status == Status.RESOLVED
    assert incident.mitigated_at is None and incident.acknowledged_at is None


def test_a_resolution_time_given_by_hand_keeps_the_order():
    incident = declare(started_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(InvalidInput) as refused:
        verbs.resolve_incident(incident, at=timezone.now() - timedelta(hours=2))
    assert refused.value.field == "resolved_at"
    assert "cannot be before impact started" in str(refused.value)


def test_reopening_forgets_the_mitigation_and_the_next_one_counts():
    incident = declare()
    verbs.resolve_incident(incident)
    verbs.reopen_incident(incident)
    assert incident.mitigated_at is None
    verbs.set_status(incident, "monitoring")
    assert incident.mitigated_at == incident.monitoring_at


# --- Durations ------------------------------------------------------------------------------------


def test_durations_run_from_the_start_of_the_impact():
    incident = declare(started_at=timezone.now() - timedelta(hours=2))
    verbs.set_key_times(
        incident,
        detected_at=incident.started_at + timedelta(minutes=10),
        acknowledged_at=incident.started_at + timedelta(minutes=15),
        mitigated_at=incident.started_at + timedelta(minutes=45),
    )
    verbs.resolve_incident(incident, at=incident.started_at + timedelta(minutes=90))
    figures = {d.name: d.value for d in key_durations(incident)}
    assert figures == {
        "time_to_detect": timedelta(minutes=10),
        "time_to_acknowledge": timedelta(minutes=15),
        "time_to_mitigate": timedelta(minutes=45),
        "time_to_resolve": timedelta(minutes=90),
    }


def test_durations_of_what_has_not_happened_are_unknown():
    incident = declare()
    figures = {d.name: d.value for d in key_durations(incident)}
    assert figures["time_to_mitigate"] is None and figures["time_to_resolve"] is None


def test_a_resolution_corrected_to_earlier_takes_the_times_noted_with_it():
    incident = declare(started_at=timezone.now() - timedelta(hours=3))
    verbs.set_key_times(incident, detected_at=incident.started_at)
    verbs.resolve_incident(incident)
    assert incident.mitigated_at == incident.acknowledged_at == incident.resolved_at
    earlier = timezone.now() - timedelta(hours=1)
    verbs.set_key_times(incident, resolved_at=earlier)
    assert incident.mitigated_at == incident.acknowledged_at == incident.resolved_at == earlier


def test_a_mitigation_given_by_people_does_not_follow_the_resolution():
    incident = declare(started_at=timezone.now() - timedelta(hours=3))
    verbs.set_key_times(incident, detected_at=incident.started_at)
    verbs.resolve_incident(incident)
    mitigated = timezone.now() - timedelta(hours=2)
    verbs.set_key_times(incident, acknowledged_at=mitigated, mitigated_at=mitigated)
    verbs.set_key_times(incident, resolved_at=timezone.now() - timedelta(hours=1))
    assert incident.mitigated_at == mitigated
