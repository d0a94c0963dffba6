"""Incident types for tests: made as a team would make them in the admin."""

from __future__ import annotations

from response.core.models import CustomField, IncidentType


def security_type(*, private_by_default: bool = True) -> IncidentType:
    """ "Security": private by default; asks for the data exposed (required, a select), the
    regions (multi select, default EU), the records affected (a number) and a ticket (a link)."""
    kind = IncidentType.objects.create(
        name="Security", slug="security", private_by_default=private_by_default, order=1
    )
    CustomField.objects.create(
        incident_type=kind,
        label="Data exposed",
        key="data_exposed",
        kind="single_select",
        options=["None", "Internal", "Customer"],
        required=True,
        order=1,
    )
    CustomField.objects.create(
        incident_type=kind,
        label="Regions",
        key="regions",
        kind="multi_select",
        options=["EU", "US", "APAC"],
        default=["EU"],
        order=2,
    )
    CustomField.objects.create(
        incident_type=kind, label="Records affected", key="records", kind="number", order=3
    )
    CustomField.objects.create(
        incident_type=kind,
        label="Ticket",
        key="ticket",
        kind="link",
        order=4,
        help_text="The security ticket",
    )
    return kind


def customer_type() -> IncidentType:
    """ "Customer-facing": public; asks for the customer tier (default Standard) and a note."""
    kind = IncidentType.objects.create(name="Customer-facing", slug="customer", order=2)
    CustomField.objects.create(
        incident_type=kind,
        label="Customer tier",
        key="tier",
        kind="single_select",
        options=["Standard", "Gold"],
        default="Standard",
        order=1,
    )
    CustomField.objects.create(
        incident_type=kind, label="Support note", key="note", kind="text", order=2
    )
    return kind
