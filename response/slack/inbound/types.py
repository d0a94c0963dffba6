"""Incident types in Slack: what the declare and edit modals offer, the update when a type is
chosen in them, the type and field values read back from a submission, and `@Response type`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from response.core import verbs
from response.core.errors import InvalidInput
from response.core.fields import FieldSpec, error_field
from response.core.models import Incident, IncidentType
from response.core.selectors import field_values_of, incident_types, shown_fields_of
from response.slack.blocks import ids
from response.slack.blocks.modals import (
    render_declare_modal,
    render_edit_modal,
    with_entered_values,
)
from response.slack.blocks.text import escape
from response.slack.blocks.types import (
    TypeChoice,
    field_values_from,
    render_type_needs_answers,
    render_type_shown,
)
from response.slack.decorators import incident_command
from response.slack.inbound.context import SAID_IN_CHANNEL, Changed, from_slack
from response.slack.inbound.forms import (
    as_pk,
    choice_of,
    metadata_text,
    view_metadata,
    view_values,
)
from response.slack.outbound import outbox
from response.slack.people import slack_user
from response.slack.selectors import (
    incident_data,
    incidents_for_display,
    service_choices,
    severity_choices,
)


def _offered(current: IncidentType | None = None) -> list[IncidentType]:
    """The types one may choose: those not archived, and an incident's own type even once
    archived (the incident keeps it)."""
    offered = incident_types()
    if current is not None and current.archived:
        offered = [*offered, current]
    return offered


def _choice(found: IncidentType) -> TypeChoice:
    return TypeChoice(found.slug, found.name, found.description, found.private_by_default)


def type_choices(current: IncidentType | None = None) -> list[TypeChoice]:
    """The types offered in a modal (none configured: no type select at all)."""
    return [_choice(t) for t in _offered(current)]


def _chosen(
    slug: str | None, current: IncidentType | None = None
) -> tuple[TypeChoice | None, list[FieldSpec]]:
    """The type of that slug, if still offered, and its fields' specs (one query)."""
    found = next((t for t in _offered(current) if t.slug == slug), None)
    if found is None:
        return None, []
    return _choice(found), [f.spec() for f in found.fields.order_by("order", "id")]


def _type_of(incident: Incident) -> IncidentType | None:
    return incident.type if incident.type_id else None  # no query without one


def edit_modal(incident: Incident, *, choosing: str | None = None) -> dict:
    """The edit modal of the incident, with its type (or the one being chosen in the open
    modal) and that type's fields: the incident's answers to its own type, another's defaults."""
    current = _type_of(incident)
    chosen, fields = _chosen(choosing or (current.slug if current else None), current)
    own = chosen is not None and current is not None and chosen.slug == current.slug
    return render_edit_modal(
        incident_data(incident, with_plugin_buttons=False),
        severities=severity_choices(),
        types=type_choices(current),
        chosen_type=chosen,
        type_fields=fields,
        answers=field_values_of(incident) if own else None,
    )


def _show_instead(view: dict, updated: dict) -> None:
    """Replace the open modal by `updated`, keeping what was entered in it. The update is a job
    like any Slack call; the view's hash makes Slack refuse it if a newer version of the modal
    is shown already."""
    with transaction.atomic():
        outbox.call(
            f"view:{view['id']}",
            "views.update",
            # Submitted or closed since, or a newer version shown: nothing left to do.
            ok_errors=("not_found", "view_not_found", "hash_conflict"),
            view_id=view["id"],
            hash=view.get("hash"),
            view=with_entered_values(updated, view_values(view)),
        )


def _selected(action: dict) -> str | None:
    return (action.get("selected_option") or {}).get("value")


def change_declare_type(ack, body, action) -> None:
    """A type was chosen in the declare modal: show its fields (with their defaults), keeping
    what was entered in the rest of the form."""
    ack()
    view = body.get("view") or {}
    if not view.get("id"):
        return
    chosen, fields = _chosen(_selected(action))
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
    _show_instead(view, updated)


def change_edit_type(ack, body, action) -> None:
    """A type was chosen in the edit modal: show its fields (the incident's answers for its own
    type, the defaults of another), keeping what was entered in the rest of the form."""
    ack()
    view = body.get("view") or {}
    incident_id = as_pk(view_metadata(view).get("incident_id"))
    incident = incidents_for_display().filter(pk=incident_id).first() if incident_id else None
    if not view.get("id") or incident is None:
        return  # removed since: the submission says so
    _show_instead(view, edit_modal(incident, choosing=_selected(action)))


def in_edit_modal(body: dict) -> bool:
    """Bolt's matcher for an action taken in the edit modal (the type select is in both)."""
    return (body.get("view") or {}).get("callback_id") == ids.EDIT_MODAL


def submitted_type(view: dict) -> tuple[str | None, dict[str, Any], str | None]:
    """(the type chosen, its fields' values, a refusal) from a declare or edit modal's
    submission.

    The refusal: the type chosen is not the one whose fields the modal shows (submitted before
    the modal caught up with the choice)."""
    values = view_values(view)
    chosen = choice_of(values, ids.TYPE)
    shown = metadata_text(view_metadata(view), "type")
    if chosen != shown:
        return chosen, {}, "One moment: the form is showing this type's fields. Submit again."
    return chosen, field_values_from(values, chosen) if chosen else {}, None


# --- `@Response type` -----------------------------------------------------------------------------


@incident_command(
    ["type"],
    helptext="`type [<type>]` Change the incident's type (its fields take their defaults), or "
    "show it and its answers.",
)
def set_type(incident: Incident, user_id: str, message: str):
    current = _type_of(incident)
    wanted = from_slack(message).strip()
    if not wanted:
        answers = tuple((f.label, f.value) for f in shown_fields_of(incident))
        return True, render_type_shown(
            _choice(current) if current else None, answers, type_choices(current)
        )
    found = verbs.check_incident_type(wanted, allow_archived=True)  # unknown: refused
    if found is not None and current is not None and found.pk == current.pk:
        return True, f"The type is already {escape(found.name)}."
    try:
        verbs.set_type_and_fields(incident, incident_type=found, by=slack_user(user_id))
    except InvalidInput as error:
        if found is None or not (error.field or "").startswith(error_field("")):
            raise
        # A required answer without a default: asked where it can be given.
        text, blocks = render_type_needs_answers(incident.pk, found.name, error.message)
        if channel_id := SAID_IN_CHANNEL.get():
            outbox.post_ephemeral(channel_id, user_id, text=text, blocks=blocks)
            return False, None
        return False, text
    return True, Changed(f"The type is now {escape(found.name if found else 'none')}.")
