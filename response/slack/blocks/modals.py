"""Modals: declare, edit, change one field, post a status update."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from response.core.fields import FieldSpec
from response.slack.blocks import ids
from response.slack.blocks.data import IncidentData, ServiceChoice, SeverityChoice
from response.slack.blocks.text import escape, truncate
from response.slack.blocks.types import TypeChoice, type_blocks, type_metadata

TITLE_MAX = 255
TEXT_MAX = 3000  # plain_text_input's own limit

STATUS_CHOICES = [
    ("investigating", "🔍 Investigating"),
    ("identified", "🎯 Identified"),
    ("monitoring", "👀 Monitoring"),
    ("resolved", "✅ Resolved"),
]


def severity_option(severity: SeverityChoice) -> Option:
    return Option(value=severity.slug, text=truncate(f"{severity.emoji} {severity.name}", 75))


def _text_input(
    block: str,
    label: str,
    *,
    initial: str = "",
    multiline: bool = False,
    optional: bool = False,
    max_length: int = TEXT_MAX,
    placeholder: str | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=block,
        label=label,
        optional=optional,
        element=PlainTextInputElement(
            action_id=block,
            # Not parsed by Slack: the text as it was typed (escaped, it would show "&amp;").
            initial_value=truncate(initial, max_length) or None,
            multiline=multiline,
            max_length=max_length,
            placeholder=placeholder,
        ),
    )


def _severity_input(severities: list[SeverityChoice], current: str | None) -> InputBlock:
    options = [severity_option(s) for s in severities]
    initial = next((o for o, s in zip(options, severities, strict=True) if s.slug == current), None)
    return InputBlock(
        block_id=ids.SEVERITY,
        label="Severity",
        optional=True,
        element=StaticSelectElement(
            action_id=ids.SEVERITY,
            placeholder="How bad is it?",
            options=options,
            initial_option=initial,
        ),
    )


def _lead_input(current: str | None) -> InputBlock:
    return InputBlock(
        block_id=ids.LEAD,
        label="Lead",
        optional=True,
        element=UserSelectElement(
            action_id=ids.LEAD, placeholder="Who is leading?", initial_user=current or None
        ),
    )


# A static select offers at most 100 options (Slack's limit).
SERVICE_OPTIONS_LIMIT = 100


def services_input(services: list[ServiceChoice], current: tuple[str, ...] = ()) -> InputBlock:
    """The catalog's services to tick (`current`: the slugs ticked already)."""
    options = [
        Option(value=s.slug, text=truncate(s.name, 75)) for s in services[:SERVICE_OPTIONS_LIMIT]
    ]
    initial = [o for o in options if o.value in current]
    return InputBlock(
        block_id=ids.SERVICES,
        label="Affected services",
        optional=True,
        hint="Their owning teams are invited to the incident's channel.",
        element=StaticMultiSelectElement(
            action_id=ids.SERVICES,
            placeholder="Which services are affected?",
            options=options,
            initial_options=initial or None,
        ),
    )


def _options_input(*, private: bool, report_only_allowed: bool) -> InputBlock:
    options = [
        Option(
            value=ids.OPTION_PRIVATE,
            text="Private",
            description="A private channel; hidden from lists and announcements",
        )
    ]
    if report_only_allowed:
        options.append(
            Option(
                value=ids.OPTION_REPORT_ONLY,
                text="Report only — already fixed",
                description="Record it for the write-up; no channel, no reminders",
            )
        )
    return InputBlock(
        block_id=ids.OPTIONS,
        label="Options",
        optional=True,
        element=CheckboxesElement(
            action_id=ids.OPTIONS,
            options=options,
            initial_options=[options[0]] if private else None,
        ),
    )


def render_declare_modal(
    *,
    title: str,
    severities: list[SeverityChoice],
    report_only_allowed: bool,
    metadata: dict,
    summary: str = "",
    above: list[dict] | None = None,
    types: list[TypeChoice] | None = None,
    chosen_type: TypeChoice | None = None,
    type_fields: list[FieldSpec] | None = None,
    services: list[ServiceChoice] | None = None,
) -> dict:
    """`above`: blocks shown before the form (the incidents declared in the last hour).
    `types`: the incident types to choose from, with the chosen one's fields after it.
    `services`: the catalog's, to choose the affected ones from (none: no such field)."""
    view = json.loads(_declare_modal(tuple(severities), report_only_allowed, tuple(services or ())))
    view["private_metadata"] = json.dumps({**metadata, **type_metadata(types, chosen_type)})
    if types:
        after_title = 1
        view["blocks"][after_title:after_title] = type_blocks(types, chosen_type, type_fields or [])
    if chosen_type and chosen_type.private_by_default:
        [options] = [b for b in view["blocks"] if b.get("block_id") == ids.OPTIONS]
        options["block_id"] = options["element"]["action_id"] = ids.OPTIONS_PRIVATE
        options["element"]["initial_options"] = [options["element"]["options"][0]]
    for block_id, initial, limit in (
        (ids.TITLE, title, TITLE_MAX),
        (ids.SUMMARY, summary, TEXT_MAX),
    ):
        if initial:
            [block] = [b for b in view["blocks"] if b.get("block_id") == block_id]
            block["element"]["initial_value"] = truncate(initial, limit)
    if above:
        view["blocks"][:0] = above
    return view


def with_entered_values(view: dict, values: dict[str, Any]) -> dict:
    """The view showing what was entered (`view_values` of the view it replaces) as its inputs'
    initial values, for the inputs it has under the same block ids."""
    for block in view["blocks"]:
        if block.get("type") != "input" or values.get(block.get("block_id")) is None:
            continue
        value, element = values[block["block_id"]], block["element"]
        kind = element.get("type")
        options = element.get("options") or []
        if kind in {"plain_text_input", "url_text_input", "number_input"} and value:
            element["initial_value"] = str(value)
        elif kind == "static_select":
            element.pop("initial_option", None)
            if chosen_option := next((o for o in options if o["value"] == value), None):
                element["initial_option"] = chosen_option
        elif kind in {"multi_static_select", "checkboxes"} and isinstance(value, list):
            element.pop("initial_options", None)
            if chosen := [o for o in options if o["value"] in value]:
                element["initial_options"] = chosen
        elif kind == "users_select" and value:
            element["initial_user"] = value
    return view


@lru_cache(maxsize=8)
def _declare_modal(
    severities: tuple[SeverityChoice, ...],
    report_only_allowed: bool,
    services: tuple[ServiceChoice, ...] = (),
) -> str:
    """The declare modal without its title and metadata: the same for every `/incident`, so
    built (and checked by slack_sdk) once per set of severities, not once per request."""
    return json.dumps(
        View(
            type="modal",
            callback_id=ids.DECLARE_MODAL,
            title="Declare an incident",
            submit="Declare",
            close="Cancel",
            private_metadata="{}",
            blocks=[
                _text_input(
                    ids.TITLE,
                    "Title",
                    max_length=TITLE_MAX,
                    placeholder="What is happening?",
                ),
                _text_input(
                    ids.SUMMARY,
                    "Summary",
                    multiline=True,
                    optional=True,
                    placeholder="What do we know so far?",
                ),
                _text_input(
                    ids.IMPACT,
                    "Impact",
                    multiline=True,
                    optional=True,
                    placeholder="Who or what is affected, and how?",
                ),
                *([_severity_input(list(severities), None)] if severities else []),
                *([services_input(list(services))] if services else []),
                _lead_input(None),
                _options_input(private=False, report_only_allowed=report_only_allowed),
            ],
        ).to_dict()
    )


def render_edit_modal(
    data: IncidentData,
    *,
    severities: list[SeverityChoice],
    types: list[TypeChoice] | None = None,
    chosen_type: TypeChoice | None = None,
    type_fields: list[FieldSpec] | None = None,
    answers: dict[str, Any] | None = None,
) -> dict:
    """`types`: the incident types to choose from, after the rest of the form, with the chosen
    one's fields showing `answers` (the incident's, to its own type) or else their defaults."""
    view = View(
        type="modal",
        callback_id=ids.EDIT_MODAL,
        title=truncate(f"Edit incident #{data.id}", 24),
        submit="Save",
        close="Cancel",
        private_metadata=json.dumps({"incident_id": data.id, **type_metadata(types, chosen_type)}),
        blocks=[
            _text_input(ids.TITLE, "Title", initial=data.title, max_length=TITLE_MAX),
            _text_input(
                ids.SUMMARY, "Summary", initial=data.summary, multiline=True, optional=True
            ),
            _text_input(ids.IMPACT, "Impact", initial=data.impact, multiline=True, optional=True),
            *(
                [_severity_input(severities, data.severity.slug if data.severity else None)]
                if severities
                else []
            ),
            _lead_input(data.lead_id),
        ],
    ).to_dict()
    if types:
        view["blocks"] += type_blocks(types, chosen_type, type_fields or [], answers)
    return view


def render_field_modal(*, incident_id: int, field: str, value: str) -> dict:
    label = field.capitalize()
    return View(
        type="modal",
        callback_id=ids.FIELD_MODAL,
        title=truncate(f"Change the {field}", 24),
        submit="Save",
        close="Cancel",
        private_metadata=json.dumps({"incident_id": incident_id, "field": field}),
        blocks=[
            _text_input(ids.FIELD_VALUE, label, initial=value, multiline=True, optional=True),
        ],
    ).to_dict()


# "Next update in", offered in the update modal: minutes, or the severity's cadence.
NEXT_UPDATE_CHOICES = {"15": "15 minutes", "30": "30 minutes", "60": "1 hour", "120": "2 hours"}
NEXT_UPDATE_CADENCE = "cadence"


def _next_update_input(cadence_mins: int | None) -> InputBlock:
    usual = f"The usual ({cadence_mins} minutes)" if cadence_mins else "No reminder (the usual)"
    options = [Option(value=NEXT_UPDATE_CADENCE, text=usual)] + [
        Option(value=value, text=label) for value, label in NEXT_UPDATE_CHOICES.items()
    ]
    return InputBlock(
        block_id=ids.NEXT_UPDATE,
        label="Next update in",
        optional=True,
        hint="The lead is reminded then, instead of at the severity's usual cadence.",
        element=StaticSelectElement(
            action_id=ids.NEXT_UPDATE, options=options, initial_option=options[0]
        ),
    )


def render_update_modal(
    *, incident_id: int, status: str, title: str, cadence_mins: int | None = None
) -> dict:
    options = [Option(value=value, text=label) for value, label in STATUS_CHOICES]
    initial = next((o for o in options if o.value == status), None)
    return View(
        type="modal",
        callback_id=ids.UPDATE_MODAL,
        title="Post a status update",
        submit="Post",
        close="Cancel",
        private_metadata=json.dumps({"incident_id": incident_id}),
        blocks=[
            SectionBlock(text=truncate(f"*Incident #{incident_id}:* {escape(title)}", 3000)),
            InputBlock(
                block_id=ids.STATUS,
                label="Status",
                element=StaticSelectElement(
                    action_id=ids.STATUS, options=options, initial_option=initial
                ),
            ),
            _text_input(
                ids.UPDATE_TEXT,
                "Update",
                multiline=True,
                placeholder="What changed, what is next, when the next update is due",
            ),
            _next_update_input(cadence_mins),
        ],
    ).to_dict()
