from __future__ import annotations

from django.db import models
from django.utils import timezone


class RoleAssignment(models.Model):
    """Who holds a role (other than the lead, which is `Incident.lead`) in an incident.

    The role is its slug in the catalogue (response.core.roles): roles are declared in settings,
    so a role a team removes later still shows on the incidents it was held in, by its slug."""

    incident = models.ForeignKey(
        "core.Incident", on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(max_length=32)
    holder = models.ForeignKey(
        "core.ExternalUser", on_delete=models.PROTECT, related_name="role_assignments"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    assigned_by = models.ForeignKey(
        "core.ExternalUser",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_by_name = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["incident", "id"]
        constraints = [
            # One holder per role: assigning again replaces the holder (and a double submit finds
            # the row there already).
            models.UniqueConstraint(fields=["incident", "role"], name="unique_role_per_incident"),
            models.CheckConstraint(
                condition=~models.Q(role="lead"), name="role_lead_is_incident_lead"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} of #{self.incident_id}: {self.holder_id}"
