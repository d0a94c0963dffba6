"""Pure parsers of what Slack sends back from modals."""

from __future__ import annotations

import json
from typing import Any


def view_values(view: dict) -> dict[str, Any]:
    """{block_id: value} from a view's state: text, the chosen option's value, the chosen user,
    a list of chosen option values, a date or a time; None when nothing was given."""
    values: dict[str, Any] = {}
    for block_id, actions in ((view.get("state") or {}).get("values") or {}).items():
        for element in actions.values():
            values[block_id] = element_value(element)
    return values


def element_value(element: dict) -> Any:
    kind = element.get("type")
    if kind in {"plain_text_input", "email_text_input", "url_text_input", "number_input"}:
        return element.get("value")
    if kind in {"static_select", "external_select", "radio_buttons"}:
        return (element.get("selected_option") or {}).get("value")
    if kind == "users_select":
        return element.get("selected_user")
    if kind == "conversations_select":
        return element.get("selected_conversation")
    if kind == "channels_select":
        return element.get("selected_channel")
    if kind in {"checkboxes", "multi_static_select"}:
        return [o.get("value") for o in element.get("selected_options") or []]
    if kind == "multi_users_select":
        return list(element.get("selected_users") or [])
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "timepicker":
        return element.get("selected_time")
    return element.get("value")


def view_metadata(view: dict) -> dict:
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return metadata if isinstance(metadata, dict) else {}


# The largest primary key a database holds (a bigger number is no incident's, not an error).
MAX_PK = 2**63 - 1


def as_pk(value: Any) -> int | None:
    """An incident id from what Slack carries back (a button's value, a modal's metadata): a
    positive whole number, or a string of ASCII digits; None for anything else."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_PK:
        return value
    return None


def metadata_text(metadata: dict, name: str) -> str | None:
    """A string we put in a modal's private metadata, or None when it is not one."""
    value = metadata.get(name)
    return value if isinstance(value, str) else None
