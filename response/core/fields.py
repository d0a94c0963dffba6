"""The rules of custom fields' values, as pure functions (no database): a number is a number, a
link is http(s), a select's values are among its options, a required field is answered, and a
field left out takes its default. Each refusal is an InvalidInput naming the field
(`fields.<key>`) in a sentence for the person who typed it."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models

from response.core.errors import InvalidInput

TEXT_MAX_LENGTH = 2000
LINK_MAX_LENGTH = 2000
# Slack shows at most 75 characters of an option and offers at most 100 of them.
OPTION_MAX_LENGTH = 75
MAX_OPTIONS = 100

# http(s), a host, then anything but spaces (the core imports no urllib: see pyproject.toml).
LINK = re.compile(r"https?://[^\s/?#]+(?:[/?#]\S*)?", re.IGNORECASE)

# What a value is once checked: text, a number, or the options chosen.
FieldValue = str | int | float | list[str]


class FieldKind(models.TextChoices):
    SINGLE_SELECT = "single_select", "Single select"
    MULTI_SELECT = "multi_select", "Multi select"
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    LINK = "link", "Link"


SELECT_KINDS = (FieldKind.SINGLE_SELECT, FieldKind.MULTI_SELECT)


@dataclass(frozen=True)
class FieldSpec:
    """A custom field as the rules need it (`CustomField.spec()`)."""

    key: str
    label: str
    kind: FieldKind
    options: tuple[str, ...] = ()
    required: bool = False
    default: Any = None
    help_text: str = ""


def error_field(key: str) -> str:
    """The `field` of a refusal about a custom field: "fields.customer_tier"."""
    return f"fields.{key}"


def _refuse(spec: FieldSpec, message: str) -> InvalidInput:
    return InvalidInput(message, field=error_field(spec.key))


def _option(spec: FieldSpec, raw: Any) -> str:
    """The option `raw` names (its case does not matter), as the field spells it."""
    if isinstance(raw, str):
        wanted = raw.strip().casefold()
        for option in spec.options:
            if option.casefold() == wanted:
                return option
    choices = ", ".join(spec.options)
    raise _refuse(spec, f"{spec.label} must be one of: {choices} (not “{raw}”).")


def _number(spec: FieldSpec, raw: Any) -> int | float:
    if isinstance(raw, bool):
        raise _refuse(spec, f"{spec.label} must be a number.")
    if isinstance(raw, int | float):
        number: float = raw
    elif isinstance(raw, str):
        try:
            number = float(raw.strip().replace("_", "x"))  # "1_000" is Python, not a person
        except ValueError:
            raise _refuse(spec, f"{spec.label} must be a number, not “{raw.strip()}”.") from None
    else:
        raise _refuse(spec, f"{spec.label} must be a number.")
    if not math.isfinite(number):
        raise _refuse(spec, f"{spec.label} must be a number, not “{raw}”.")
    return int(number) if float(number).is_integer() and abs(number) < 2**53 else number


def _link(spec: FieldSpec, raw: Any) -> str:
    if not isinstance(raw, str):
        raise _refuse(spec, f"{spec.label} must be a link.")
    link = raw.strip()
    if not LINK.fullmatch(link):
        raise _refuse(spec, f"{spec.label} must be a link starting with http:// or https://.")
    if len(link) > LINK_MAX_LENGTH:
        raise _refuse(spec, f"{spec.label} is too long (at most {LINK_MAX_LENGTH} characters).")
    return link


def _text(spec: FieldSpec, raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise _refuse(spec, f"{spec.label} must be text.")
    text = str(raw).strip()
    if len(text) > TEXT_MAX_LENGTH:
        raise _refuse(
            spec, f"{spec.label} is {len(text)} characters long; the limit is {TEXT_MAX_LENGTH}."
        )
    return text


def clean_field_value(spec: FieldSpec, raw: Any) -> FieldValue | None:
    """The value to store for `raw`, or None when nothing was given (empty text, no option)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
        return None
    if spec.kind == FieldKind.NUMBER:
        return _number(spec, raw)
    if spec.kind == FieldKind.LINK:
        return _link(spec, raw)
    if spec.kind == FieldKind.SINGLE_SELECT:
        return _option(spec, raw)
    if spec.kind == FieldKind.MULTI_SELECT:
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list | tuple):
            raise _refuse(spec, f"{spec.label} must be a list of options.")
        chosen = {_option(spec, item) for item in items}
        return [option for option in spec.options if option in chosen]  # in the field's order
    return _text(spec, raw)


def clean_field_values(
    specs: Sequence[FieldSpec],
    given: Mapping[str, Any],
    *,
    current: Mapping[str, Any] | None = None,
) -> dict[str, FieldValue]:
    """The values to store for an incident whose type has the fields `specs`.

    A field given is checked (None or empty clears it); a field not given keeps its `current`
    value, or else takes its default. A required field left without a value is refused, and so
    is a key none of the fields has."""
    keys = {spec.key for spec in specs}
    unknown = sorted(set(given) - keys)
    if unknown:
        known = ", ".join(sorted(keys)) or "none"
        raise InvalidInput(
            f"Unknown field “{unknown[0]}”. This type's fields are: {known}.", field="fields"
        )
    values: dict[str, FieldValue] = {}
    for spec in specs:
        if spec.key in given:
            value = clean_field_value(spec, given[spec.key])
        elif current is not None and spec.key in current:
            value = current[spec.key]
        else:
            value = clean_field_value(spec, spec.default)
        if value is None:
            if spec.required:
                raise _refuse(spec, f"{spec.label} is required.")
            continue
        values[spec.key] = value
    return values


def check_field_definition(spec: FieldSpec) -> dict[str, str]:
    """What is wrong with a field as defined in the admin ({form field: message}), if anything:
    a select needs options Slack can show, and the default must be a value the field accepts."""
    errors: dict[str, str] = {}
    if spec.kind in SELECT_KINDS:
        if not spec.options:
            errors["options"] = "A select needs at least one option."
        elif len(spec.options) > MAX_OPTIONS:
            errors["options"] = f"A select can offer at most {MAX_OPTIONS} options."
        elif any(not o.strip() or len(o) > OPTION_MAX_LENGTH for o in spec.options):
            errors["options"] = f"Each option is 1 to {OPTION_MAX_LENGTH} characters long."
        elif len({o.casefold() for o in spec.options}) != len(spec.options):
            errors["options"] = "Each option must be different."
    elif spec.options:
        errors["options"] = "Only selects have options."
    if "options" not in errors:
        try:
            clean_field_value(spec, spec.default)
        except InvalidInput as error:
            errors["default"] = error.message
    return errors


def shown_value(value: Any) -> str:
    """A stored value as people read it: "EU, US" for several options."""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)
