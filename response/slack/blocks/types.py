"""Incident types in Slack: the type select and the chosen type's fields of the declare and
edit modals, what the headline says of them, and the answers to `@Response type`. Pure
renderers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
    UrlInputElement,
)

from response.core.fields import TEXT_MAX_LENGTH, FieldKind, FieldSpec, error_field, shown_value
from response.slack.blocks import ids
from response.slack.blocks.text import SECTION_TEXT_LIMIT, escape, truncate


@dataclass(frozen=True)
class TypeChoice:
    slug: str
    name: str
    description: str
    private_by_default: bool


def field_block_id(type_slug: str, key: str) -> str:
    """A field's block (and action) id names its type: a field of another type with the same key
    does not inherit what was typed for this one when the type changes."""
    return f"{ids.FIELD_BLOCK_PREFIX}{type_slug}:{key}"


def type_metadata(types: list[TypeChoice] | None, chosen: TypeChoice | None) -> dict[str, Any]:
    """What a modal with a type select keeps in its private metadata: the type whose fields it
    shows, so that a submission made before it caught up with the select is refused."""
    return {"type": chosen.slug if chosen else None} if types else {}


def field_values_from(values: dict[str, Any], type_slug: str) -> dict[str, Any]:
    """{field key: what was entered} from a submitted modal, for the chosen type."""
    prefix = field_block_id(type_slug, "")
    return {
        block[len(prefix) :]: value for block, value in values.items() if block.startswith(prefix)
    }


def error_block(field: str | None, type_slug: str | None) -> str | None:
    """The block of a modal with a type select that shows a refusal about `field`, if the modal
    has one."""
    if field == "type":
        return ids.TYPE
    if type_slug and field and field.startswith(error_field("")):
        return field_block_id(type_slug, field[len(error_field("")) :])
    return None


def _option(text: str) -> Option:
    return Option(value=text, text=truncate(text, 75))


def type_input(types: list[TypeChoice], chosen: str | None) -> InputBlock:
    options = [
        Option(
            value=t.slug,
            text=truncate(t.name, 75),
            description=truncate(t.description, 75) if t.description else None,
        )
        for t in types
    ]
    return InputBlock(
        block_id=ids.TYPE,
        label="Type",
        optional=True,
        # Choosing a type tells us at once, so the modal can show that type's fields.
        dispatch_action=True,
        element=StaticSelectElement(
            action_id=ids.TYPE,
            placeholder="What kind of incident?",
            options=options,
            initial_option=next((o for o in options if o.value == chosen), None),
        ),
    )


def field_input(type_slug: str, spec: FieldSpec, default: Any) -> InputBlock:
    """One custom field as a modal input, showing `default` (the field's own when declaring,
    the incident's answer when editing)."""
    block_id = field_block_id(type_slug, spec.key)
    element: Any
    if spec.kind == FieldKind.SINGLE_SELECT:
        options = [_option(o) for o in spec.options]
        element = StaticSelectElement(
            action_id=block_id,
            options=options,
            initial_option=next((o for o in options if o.value == default), None),
        )
    elif spec.kind == FieldKind.MULTI_SELECT:
        options = [_option(o) for o in spec.options]
        chosen = default if isinstance(default, list) else [default]
        element = StaticMultiSelectElement(
            action_id=block_id,
            options=options,
            initial_options=[o for o in options if o.value in chosen] or None,
        )
    elif spec.kind == FieldKind.NUMBER:
        element = NumberInputElement(
            action_id=block_id,
            is_decimal_allowed=True,
            initial_value=str(default) if isinstance(default, int | float) else None,
        )
    elif spec.kind == FieldKind.LINK:
        element = UrlInputElement(
            action_id=block_id, initial_value=default if isinstance(default, str) else None
        )
    else:
        element = PlainTextInputElement(
            action_id=block_id,
            initial_value=truncate(str(default), 3000) if default else None,
            max_length=min(TEXT_MAX_LENGTH, 3000),
        )
    return InputBlock(
        block_id=block_id,
        label=truncate(spec.label, 2000),
        optional=not spec.required,
        hint=truncate(spec.help_text, 2000) if spec.help_text else None,
        element=element,
    )


def type_blocks(
    types: list[TypeChoice],
    chosen: TypeChoice | None,
    fields: list[FieldSpec],
    answers: Mapping[str, Any] | None = None,
) -> list[dict]:
    """The type select, then the chosen type's fields: showing their defaults, or `answers`
    (an incident's, to its own type) when given."""
    if not types:
        return []
    blocks = [type_input(types, chosen.slug if chosen else None)]
    if chosen:
        blocks += [
            field_input(
                chosen.slug, spec, spec.default if answers is None else answers.get(spec.key)
            )
            for spec in fields
        ]
    return [block.to_dict() for block in blocks]


def fields_context(fields: tuple[tuple[str, Any], ...]) -> list[ContextBlock]:
    """The headline's line of the type's answers: "*Data exposed:* Customer · *Regions:* EU"."""
    shown = [f"*{escape(label)}:* {escape(shown_value(value))}" for label, value in fields]
    if not shown:
        return []
    text = truncate(" · ".join(shown), SECTION_TEXT_LIMIT)
    return [ContextBlock(elements=[MarkdownTextObject(text=text)])]


def render_type_shown(
    current: TypeChoice | None, fields: tuple[tuple[str, Any], ...], offered: list[TypeChoice]
) -> str:
    """The answer to `@Response type`: the incident's type and its answers, and how to change
    it."""
    others = ", ".join(f"`{t.slug}`" for t in offered if current is None or t.slug != current.slug)
    if current is None:
        if not offered:
            return "This incident has no type, and no types are configured (the admin makes them)."
        return f"This incident has no type. Say `type <name>` to give it one: {others}."
    lines = [f"This incident's type is *{escape(current.name)}*."]
    if fields:
        shown = [f"*{escape(label)}:* {escape(shown_value(value))}" for label, value in fields]
        lines.append(truncate(" · ".join(shown), SECTION_TEXT_LIMIT))
    change = f"Say `type <name>` to change it ({others}); " if others else ""
    lines.append(f"{change}the ✏️ Edit button changes its answers.")
    return "\n".join(lines)


def render_type_needs_answers(incident_id: int, type_name: str, why: str) -> tuple[str, list[dict]]:
    """The refusal of `@Response type <name>` when that type asks answers it has no default for,
    with the button that opens the edit modal, where they can be given."""
    text = (
        f"⚠️ *{escape(type_name)}* needs answers I can't take here: {escape(why)} "
        "Choose it in ✏️ Edit, where its fields are asked."
    )
    button = ButtonElement(text="✏️ Edit", action_id=ids.EDIT_INCIDENT, value=str(incident_id))
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=truncate(text, SECTION_TEXT_LIMIT))),
        ActionsBlock(elements=[button]),
    ]
    return text, [block.to_dict() for block in blocks]
