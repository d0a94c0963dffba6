"""The service catalog: the teams that own services, and the services incidents affect.

Kept by people in the admin, the API or a file (`response catalog import`); an incident names
the services it affects (`Service.incidents`, read as `incident.services`), which brings in the
owning team's Slack user group and groups the insights."""

from __future__ import annotations

from django.db import models


class Team(models.Model):
    """A team that owns services, reached through its Slack user group."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=128)
    description = models.TextField(blank=True, default="")
    # The user group whose members are invited when one of the team's services is affected. The
    # handle ("payments-oncall", without @) is what people see; the id (S…) survives a rename.
    slack_usergroup_handle = models.CharField(
        "Slack user group handle", max_length=64, blank=True, default=""
    )
    slack_usergroup_id = models.CharField(
        "Slack user group id", max_length=32, blank=True, default=""
    )
    owners = models.ManyToManyField("core.ExternalUser", blank=True, related_name="owned_teams")

    class Meta:
        ordering = ["name", "slug"]
        constraints = [models.CheckConstraint(condition=~models.Q(slug=""), name="team_has_slug")]

    def __str__(self) -> str:
        return self.name

    @property
    def usergroup(self) -> str:
        """What to invite: the handle people know, else the id (empty: the team has no group)."""
        return self.slack_usergroup_handle.lstrip("@").lower() or self.slack_usergroup_id


class Tier(models.IntegerChoices):
    """How much depends on a service (1: the business stops without it)."""

    CRITICAL = 1, "Tier 1 (critical)"
    IMPORTANT = 2, "Tier 2"
    SUPPORTING = 3, "Tier 3"


class Service(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=128)
    description = models.TextField(blank=True, default="")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="services"
    )
    owners = models.ManyToManyField("core.ExternalUser", blank=True, related_name="owned_services")
    tier = models.PositiveSmallIntegerField(choices=Tier, null=True, blank=True)
    runbook_url = models.URLField(blank=True, default="", max_length=500)
    dashboard_url = models.URLField(blank=True, default="", max_length=500)
    # The incidents affecting it: changed only by the verb `set_services` (timeline, audit).
    incidents = models.ManyToManyField(
        "core.Incident", blank=True, related_name="services", through="AffectedService"
    )

    class Meta:
        ordering = ["name", "slug"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(slug=""), name="service_has_slug"),
            models.CheckConstraint(
                condition=models.Q(tier__isnull=True) | models.Q(tier__in=Tier.values),
                name="service_tier_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AffectedService(models.Model):
    """A service an incident affects, and since when."""

    incident = models.ForeignKey(
        "core.Incident", on_delete=models.CASCADE, related_name="affected_services"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="affected_by")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["incident", "service__name"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "service"], name="unique_affected_service")
        ]
        indexes = [models.Index(fields=["service", "incident"], name="affected_by_service")]

    def __str__(self) -> str:
        return f"{self.service_id} in #{self.incident_id}"
