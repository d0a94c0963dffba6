"""Incident types in the declare modal: what it offers, the update when a type is chosen, and
the type and field values read back from a submission."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from response.core.models import IncidentType
from response.core.selectors import incident_types
from response.slack.blocks import ids
from response.slack.blocks.modals import render_declare_modal, with_entered_values
from response.slack.blocks.types import TypeChoice, field_values_from
from response.slack.inbound.forms import choice_of, metadata_text, view_metadata, view_values
from response.slack.outbound import outbox
from response.slack.selectors import service_choices, severity_choices


def type_choices() -> list[TypeChoice]:
    """The types offered when declaring (none configured: no type select at all)."""
    return [
        TypeChoice(t.slug, t.name, t.description, t.private_by_default) for t in incident_types()
    ]


def _chosen(slug: str | None) -> tuple[TypeChoice | None, list]:
    """The type of that slug, if still offered, and its fields' specs (one query)."""
    found: IncidentType | None = next((t for t in incident_types() if t.slug == slug), None)
    if found is None:
        return None, []
    choice = TypeChoice(found.slug, found.name, found.description, found.private_by_default)
    return choice, [f.spec() for f in found.fields.order_by("order", "id")]


def change_declare_type(ack, body, action) -> None:
    """A type was chosen in the declare modal: show its fields (with their defaults), keeping
    what was entered in the rest of the form. The update is a job like any Slack call; the
    view's hash makes Slack refuse it if a newer version of the modal is shown already."""
    ack()
    view = body.get("view") or {}
    if not view.get("id"):
        return
    chosen, fields = _chosen((action.get("selected_option") or {}).get("value"))
    entered = view_values(view)
    metadata = view_metadata(view)
    blocks = view.get("blocks") or []
    title_at = next((i for i, b in enumerate(blocks) if b.get("block_id") == ids.TITLE), 0)
    updated = render_declare_modal(
        title="",
        severities=severity_choices(),
        report_only_allowed=settings.RESPONSE_REPORT_ONLY_ENABLED,
        metadata={k: v for k, v in metadata.items() if k != "type"},
        above=blocks[:title_at],  # the incidents declared in the last hour, as first shown
        types=type_choices(),
        chosen_type=chosen,
        type_fields=fields,
        services=service_choices(),
    )
    with transaction.atomic():
        outbox.call(
            f"view:{view['id']}",
            "views.update",
            # Submitted or closed since, or a newer version shown: nothing left to do.
            ok_errors=("not_found", "view_not_found", "hash_conflict"),
            view_id=view["id"],
            hash=view.get("hash"),
            view=with_entered_values(updated, entered),
        )


def submitted_type(view: dict) -> tuple[str | None, dict[str, Any], str | None]:
    """(the type chosen, its fields' values, a refusal) from a declare modal's submission.

    The refusal: the type chosen is not the one whose fields the modal shows (submitted before
    the modal caught up with the choice)."""
    values = view_values(view)
    chosen = choice_of(values, ids.TYPE)
    shown = metadata_text(view_metadata(view), "type")
    if chosen != shown:
        return chosen, {}, "One moment: the form is showing this type's fields. Submit again."
    return chosen, field_values_from(values, chosen) if chosen else {}, None
