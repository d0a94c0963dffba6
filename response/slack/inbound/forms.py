"""Pure parsers of what Slack sends back from modals."""

from __future__ import annotations

import json
import re
from typing import Any

# A Slack user id: "U…" or "W…" (Enterprise Grid), "B…" for some bots' messages.
USER_ID = re.compile(r"[UWB][A-Z0-9]{1,31}")


def view_values(view: dict) -> dict[str, Any]:
    """{block_id: value} from a view's state: text, the chosen option's value, the chosen user,
    a list of chosen option values, a date, a time or a moment (epoch seconds); None when
    nothing was given."""
    values: dict[str, Any] = {}
    for block_id, actions in ((view.get("state") or {}).get("values") or {}).items():
        for element in actions.values():
            values[block_id] = element_value(element)
    return values


def text_of(values: dict[str, Any], block_id: str) -> str:
    """What was typed in a block of our own modal; "" when it holds anything but text (a view
    Slack would only send if the modal were not ours)."""
    value = values.get(block_id)
    return value if isinstance(value, str) else ""


def choice_of(values: dict[str, Any], block_id: str) -> str | None:
    """The option (or person) chosen in a block of our own modal, or None."""
    value = values.get(block_id)
    return value if isinstance(value, str) and value else None


def person_of(values: dict[str, Any], block_id: str) -> str | None:
    """The Slack user chosen in a block of our own modal, or None."""
    value = choice_of(values, block_id)
    return value if value is not None and USER_ID.fullmatch(value) else None


def choices_of(values: dict[str, Any], block_id: str) -> list[str]:
    """The options ticked in a block of our own modal."""
    value = values.get(block_id)
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


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
    if kind == "datetimepicker":
        return element.get("selected_date_time")  # epoch seconds
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
