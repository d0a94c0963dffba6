"""Incident types (Security, Customer-facing, …) and the custom fields each asks for.

Data, not code: a team adds its types and their fields in the admin. With no type configured
the product behaves as if types did not exist. The rules a value must follow are pure functions
of `response.core.fields`; the verbs of `response.core.verbs.types` write the values."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from response.core.fields import FieldKind, FieldSpec, check_field_definition


class IncidentType(models.Model):
    name = models.CharField(max_length=64, unique=True)
    slug = models.SlugField(max_length=32, unique=True)
    description = models.TextField(blank=True, default="")
    private_by_default = models.BooleanField(
        default=False,
        help_text="Incidents of this type are declared private unless the declarer says not.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Smaller first.")
    archived = models.BooleanField(
        default=False,
        help_text="No longer offered when declaring; the incidents of this type keep it.",
    )

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class CustomField(models.Model):
    """A question a type asks when an incident of that type is declared."""

    incident_type = models.ForeignKey(IncidentType, on_delete=models.CASCADE, related_name="fields")
    label = models.CharField(max_length=64)
    key = models.SlugField(
        max_length=32, help_text="How the API and exports name it; unique within the type."
    )
    kind = models.CharField(max_length=16, choices=FieldKind, default=FieldKind.TEXT)
    options = models.JSONField(
        default=list, blank=True, help_text='For selects: a list of texts, e.g. ["EU", "US"].'
    )
    required = models.BooleanField(default=False)
    default = models.JSONField(
        null=True,
        blank=True,
        help_text="Used when nothing is given: a text, a number, an option, or a list of "
        'options for a multi select (["EU"]).',
    )
    order = models.PositiveSmallIntegerField(default=0)
    help_text = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        ordering = ["incident_type", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident_type", "key"], name="custom_field_key_unique_per_type"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in FieldKind]),
                name="custom_field_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_type}: {self.label}"

    def clean(self) -> None:
        """What the admin checks before saving: options that Slack can show, and a default
        that the field itself would accept."""
        errors = check_field_definition(self.spec())
        if errors:
            raise ValidationError(errors)

    def spec(self) -> FieldSpec:
        """What the validation needs to know of the field, as a frozen value."""
        options = self.options if isinstance(self.options, list) else []
        return FieldSpec(
            key=self.key,
            label=self.label,
            kind=FieldKind(self.kind),
            options=tuple(str(option) for option in options),
            required=self.required,
            default=self.default,
            help_text=self.help_text,
        )


class CustomFieldValue(models.Model):
    """What an incident answered to one of its type's fields (a JSON text, number or list)."""

    incident = models.ForeignKey(
        "core.Incident", on_delete=models.CASCADE, related_name="field_values"
    )
    field = models.ForeignKey(CustomField, on_delete=models.PROTECT, related_name="values")
    value = models.JSONField()

    class Meta:
        ordering = ["field__order", "field_id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "field"], name="one_value_per_field"),
        ]

    def __str__(self) -> str:
        return f"#{self.incident_id} {self.field_id}={self.value!r}"
