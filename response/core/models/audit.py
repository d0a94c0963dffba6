from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from response.core.errors import AuditLogIsAppendOnly


class AuditVerb(models.TextChoices):
    """What an audit row records; the values are stored, so they never change."""

    INCIDENT_DECLARED = "incident.declared"
    INCIDENT_UPDATED = "incident.updated"
    INCIDENT_LEAD_CHANGED = "incident.lead_changed"
    INCIDENT_SEVERITY_CHANGED = "incident.severity_changed"
    INCIDENT_STATUS_CHANGED = "incident.status_changed"
    INCIDENT_RESOLVED = "incident.resolved"
    INCIDENT_REOPENED = "incident.reopened"
    INCIDENT_UPDATE_POSTED = "incident.update_posted"
    INCIDENT_IMPORTED = "incident.imported"
    INCIDENT_TRIAGE_OPENED = "incident.triage_opened"
    INCIDENT_TRIAGE_ACCEPTED = "incident.triage_accepted"
    INCIDENT_TRIAGE_DECLINED = "incident.triage_declined"
    INCIDENT_TRIAGE_MERGED = "incident.triage_merged"
    INCIDENT_ROLE_CHANGED = "incident.role_changed"
    INCIDENT_SERVICES_CHANGED = "incident.services_changed"
    TEAM_SAVED = "team.saved"
    TEAM_DELETED = "team.deleted"
    SERVICE_SAVED = "service.saved"
    SERVICE_DELETED = "service.deleted"
    ACTION_ADDED = "action.added"
    ACTION_UPDATED = "action.updated"
    ACTION_COMPLETED = "action.completed"
    ACTION_REOPENED = "action.reopened"
    ACTION_EXPORT_REQUESTED = "action.export_requested"
    ACTION_EXPORTED = "action.exported"
    ACTION_EXPORT_FAILED = "action.export_failed"
    TIMELINE_ADDED = "timeline.added"
    TIMELINE_EDITED = "timeline.edited"
    TIMELINE_REMOVED = "timeline.removed"
    POSTMORTEM_STARTED = "postmortem.started"
    POSTMORTEM_PREFILLED = "postmortem.prefilled"
    POSTMORTEM_SECTION_EDITED = "postmortem.section_edited"
    POSTMORTEM_OWNER_CHANGED = "postmortem.owner_changed"
    POSTMORTEM_STATE_CHANGED = "postmortem.state_changed"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly()

    def delete(self) -> NoReturn:
        raise AuditLogIsAppendOnly()

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        raise AuditLogIsAppendOnly()

    def _raw_delete(self, using: str | None) -> NoReturn:
        raise AuditLogIsAppendOnly()


class AuditEvent(models.Model):
    """An append-only record of one change: who did what, the values before and after, when.

    Nothing updates or deletes these rows: the model and queryset refuse, the admin is read-only,
    and a database trigger (migration 0002) refuses UPDATE and DELETE for anything else.
    """

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    verb = models.CharField(max_length=64, help_text='e.g. "incident.severity_changed"')
    incident = models.ForeignKey(
        "core.Incident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    object_type = models.CharField(max_length=32)
    object_id = models.CharField(max_length=64)
    actor = models.ForeignKey(
        "core.ExternalUser",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="response_audit_events",
    )
    actor_name = models.CharField(max_length=255, blank=True, default="")
    before = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    after = models.JSONField(default=dict, encoder=DjangoJSONEncoder)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["incident", "occurred_at"], name="audit_by_incident")]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.verb} {self.object_type}#{self.object_id}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogIsAppendOnly()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly()
