"""Key times through the API: read in the list and the detail with the durations derived from
them, corrected with PATCH (null: unknown), their order refused with the reason (400)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from response.core import verbs
from response.core.models import AuditEvent
from tests.factories import declare

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_the_detail_has_the_key_times_and_their_durations(api):
    incident = declare(started_at=T0)
    verbs.set_key_times(incident, detected_at=T0 + timedelta(minutes=5))
    verbs.set_status(incident, "monitoring", at=T0 + timedelta(minutes=30))
    verbs.resolve_incident(incident, at=T0 + timedelta(hours=1))
    body = api.get(f"/api/incidents/{incident.pk}").json()
    assert body["started_at"] == "2026-03-01T09:00:00Z"
    assert body["detected_at"] == "2026-03-01T09:05:00Z"
    assert body["acknowledged_at"] == body["mitigated_at"] == "2026-03-01T09:30:00Z"
    assert body["time_to_detect_seconds"] == 300
    assert body["time_to_acknowledge_seconds"] == body["time_to_mitigate_seconds"] == 1800
    assert body["time_to_resolve_seconds"] == 3600
    listed = api.get("/api/incidents").json()["items"][0]
    assert listed["time_to_mitigate_seconds"] == 1800


def test_unknown_times_and_durations_are_null(api):
    incident = declare()
    body = api.get(f"/api/incidents/{incident.pk}").json()
    assert body["acknowledged_at"] is None and body["mitigated_at"] is None
    assert body["time_to_mitigate_seconds"] is None and body["time_to_resolve_seconds"] is None


def test_patch_corrects_key_times_in_one_change(api, user):
    incident = declare(started_at=T0)
    response = api.patch(
        f"/api/incidents/{incident.pk}",
        {
            "started_at": "2026-03-01T08:50:00Z",
            "detected_at": "2026-03-01T09:02:00Z",
            "acknowledged_at": "2026-03-01T09:04:00+01:00",  # 08:04 UTC: before detected…
        },
    )
    assert response.status_code == 400, response.content  # …refused, nothing changed
    assert response.json()["field"] == "acknowledged_at"
    assert "Acknowledged (01 Mar 2026 08:04 UTC) cannot be before" in response.json()["message"]
    incident.refresh_from_db()
    assert incident.started_at == T0

    response = api.patch(
        f"/api/incidents/{incident.pk}",
        {"started_at": "2026-03-01T08:50:00Z", "detected_at": "2026-03-01T09:02:00Z"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["started_at"] == "2026-03-01T08:50:00Z"
    assert body["time_to_detect_seconds"] == 12 * 60
    row = AuditEvent.objects.filter(incident=incident).latest("id")
    assert set(row.after) == {"started_at", "detected_at"} and row.actor_user == user


def test_patch_mitigated_before_detected_is_a_400_with_the_reason(api):
    incident = declare(started_at=T0)
    verbs.set_key_times(incident, detected_at=T0 + timedelta(minutes=20))
    response = api.patch(f"/api/incidents/{incident.pk}", {"mitigated_at": iso(T0)})
    assert response.status_code == 400
    assert response.json()["field"] == "mitigated_at"
    assert response.json()["message"] == (
        "Mitigated (01 Mar 2026 09:00 UTC) cannot be before detected (01 Mar 2026 09:20 UTC)."
    )


def test_patch_null_makes_a_time_unknown_but_not_the_start_or_resolution(api):
    incident = declare(started_at=timezone.now() - timedelta(hours=1))
    verbs.set_status(incident, "identified")
    response = api.patch(f"/api/incidents/{incident.pk}", {"acknowledged_at": None})
    assert response.status_code == 200 and response.json()["acknowledged_at"] is None
    for field in ("started_at", "resolved_at"):
        response = api.patch(f"/api/incidents/{incident.pk}", {field: None})
        assert response.status_code == 400, field


def test_patch_resolving_with_its_resolution_time(api):
    now = timezone.now().replace(microsecond=0)
    incident = declare(started_at=now - timedelta(hours=2))
    verbs.set_key_times(incident, detected_at=now - timedelta(hours=2))
    resolved = now - timedelta(hours=1)
    response = api.patch(
        f"/api/incidents/{incident.pk}", {"status": "resolved", "resolved_at": iso(resolved)}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["resolved_at"] == iso(resolved)
    assert body["time_to_resolve_seconds"] == 3600
    # Acknowledged and mitigated "by the resolution at the latest" follow it.
    assert body["mitigated_at"] == body["acknowledged_at"] == iso(resolved)


def test_patch_a_resolution_time_while_open_is_refused(api):
    incident = declare(started_at=T0)
    response = api.patch(f"/api/incidents/{incident.pk}", {"resolved_at": iso(T0)})
    assert response.status_code == 400
    assert response.json()["field"] == "resolved_at"
    assert response.json()["message"] == "Only a resolved incident has a resolution time."


def test_patch_a_future_time_is_refused(api):
    incident = declare()
    later = iso(timezone.now() + timedelta(hours=1))
    response = api.patch(f"/api/incidents/{incident.pk}", {"mitigated_at": later})
    assert response.status_code == 400
    assert response.json()["message"] == "Mitigated cannot be in the future."
