"""Interactive elements: finding them, their ``state.values``, ``block_actions`` entries, ids.

Values come in the simple form a test writes (an option value, a user id, a date string, a list
for multi-selects and checkboxes) or in the structured form Slack sends; these functions turn
them into what Slack would put in a payload.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Iterator
from typing import Any

INPUT_ELEMENT_TYPES = {
    "plain_text_input",
    "email_text_input",
    "url_text_input",
    "number_input",
    "static_select",
    "external_select",
    "users_select",
    "conversations_select",
    "channels_select",
    "multi_static_select",
    "multi_external_select",
    "multi_users_select",
    "multi_conversations_select",
    "multi_channels_select",
    "checkboxes",
    "radio_buttons",
    "datepicker",
    "timepicker",
    "datetimepicker",
    "rich_text_input",
    "file_input",
}


def interactive_elements(
    blocks: list[dict[str, Any]],
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(block, element) for every interactive element: action elements, accessories, inputs."""
    for block in blocks or []:
        kind = block.get("type")
        if kind == "actions":
            for element in block.get("elements", []):
                yield block, element
        elif kind == "section" and isinstance(block.get("accessory"), dict):
            yield block, block["accessory"]
        elif kind == "input" and isinstance(block.get("element"), dict):
            yield block, block["element"]


def find_element(
    blocks: list[dict[str, Any]], action_id: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    for block, element in interactive_elements(blocks):
        if element.get("action_id") == action_id:
            return block, element
    raise LookupError(f"no interactive element with action_id {action_id!r}")


def _all_options(element: dict[str, Any]) -> list[dict[str, Any]]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options", [])
    return options


def _option(element: dict[str, Any], value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    for option in _all_options(element):
        if option.get("value") == value:
            return copy.deepcopy(option)
    if element.get("type", "").endswith("external_select"):
        return {"text": {"type": "plain_text", "text": str(value)}, "value": str(value)}
    raise LookupError(f"{element.get('action_id')!r} has no option with value {value!r}")


def element_state(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """The ``state.values`` entry for an element set to ``value``.

    ``value`` is the simple form a test writes (an option value, a user id, a date string, a
    list for multi-selects and checkboxes) or already the structured form Slack sends.
    """
    kind = element.get("type", "")
    state: dict[str, Any] = {"type": kind}
    if isinstance(value, dict) and not kind.endswith("select") and kind not in {"radio_buttons"}:
        return {"type": kind, **value}
    if kind in {"plain_text_input", "email_text_input", "url_text_input", "number_input"}:
        state["value"] = None if value is None else str(value)
    elif kind in {"static_select", "external_select", "radio_buttons"}:
        state["selected_option"] = None if value is None else _option(element, value)
    elif kind in {"multi_static_select", "multi_external_select", "checkboxes"}:
        state["selected_options"] = [_option(element, v) for v in value or []]
    elif kind == "users_select":
        state["selected_user"] = value
    elif kind == "multi_users_select":
        state["selected_users"] = list(value or [])
    elif kind == "conversations_select":
        state["selected_conversation"] = value
    elif kind == "multi_conversations_select":
        state["selected_conversations"] = list(value or [])
    elif kind == "channels_select":
        state["selected_channel"] = value
    elif kind == "multi_channels_select":
        state["selected_channels"] = list(value or [])
    elif kind == "datepicker":
        state["selected_date"] = value
    elif kind == "timepicker":
        state["selected_time"] = value
    elif kind == "datetimepicker":
        # Slack sends epoch seconds as a number; a form (the sandbox's) may give them as text.
        is_digits = isinstance(value, str) and value.isascii() and value.isdigit()
        state["selected_date_time"] = int(value) if is_digits else value
    elif kind == "rich_text_input":
        state["rich_text_value"] = value
    else:
        state["value"] = value
    return state


def initial_value(element: dict[str, Any]) -> Any:
    """An element's initial value in the simple form ``element_state`` accepts."""
    kind = element.get("type", "")
    if "initial_option" in element:
        return element["initial_option"]
    if "initial_options" in element:
        return element["initial_options"]
    for key in (
        "initial_value",
        "initial_user",
        "initial_users",
        "initial_conversation",
        "initial_conversations",
        "initial_channel",
        "initial_channels",
        "initial_date",
        "initial_time",
        "initial_date_time",
    ):
        if key in element:
            return element[key]
    if kind.startswith("multi_") or kind == "checkboxes":
        return []
    return None


def is_empty(state: dict[str, Any]) -> bool:
    meaningful = [v for k, v in state.items() if k != "type"]
    return all(v in (None, "", []) for v in meaningful)


def state_values(
    blocks: list[dict[str, Any]],
    current: dict[str, dict[str, Any]] | None = None,
    given: dict[str, dict[str, Any]] | None = None,
    *,
    require: bool = False,
) -> dict[str, Any]:
    """``state.values``: given values, then the current state, then initial values.

    With ``require``, raises ``ValueError`` for a required input left empty: Slack's client
    would not submit such a form. Values for inputs the blocks lack raise ``LookupError``.
    """
    given = given or {}
    current = current or {}
    inputs = [
        (block, element)
        for block, element in interactive_elements(blocks)
        if block.get("block_id")
        and element.get("action_id")
        and element.get("type") in INPUT_ELEMENT_TYPES
    ]
    known = {(b["block_id"], e["action_id"]) for b, e in inputs}
    unknown = sorted(
        f"{b}/{a}" for b, actions in given.items() for a in actions if (b, a) not in known
    )
    if unknown:
        raise LookupError(f"the view has no inputs {unknown}")
    values: dict[str, dict[str, Any]] = {}
    for block, element in inputs:
        block_id, action_id = block["block_id"], element["action_id"]
        if action_id in given.get(block_id, {}):
            state = element_state(element, given[block_id][action_id])
        elif action_id in current.get(block_id, {}):
            state = current[block_id][action_id]
        else:
            state = element_state(element, initial_value(element))
        is_required = block.get("type") == "input" and not block.get("optional")
        if require and is_required and is_empty(state):
            raise ValueError(f"required input {block_id}/{action_id} is empty")
        values.setdefault(block_id, {})[action_id] = state
    return values


def action_payload(
    block: dict[str, Any], element: dict[str, Any], value: Any, action_ts: str
) -> dict[str, Any]:
    """One entry of ``actions`` in a ``block_actions`` payload."""
    kind = element.get("type", "")
    action: dict[str, Any] = {
        "type": kind,
        "action_id": element.get("action_id"),
        "block_id": block.get("block_id"),
        "action_ts": action_ts,
    }
    if kind == "button":
        action["text"] = element.get("text")
        if "value" in element:
            action["value"] = element["value"]
        if "style" in element:
            action["style"] = element["style"]
        if "url" in element:
            action["url"] = element["url"]
        return action
    if kind == "overflow":
        action["selected_option"] = _option(element, value)
        return action
    if "placeholder" in element:
        action["placeholder"] = element["placeholder"]
    if value is None:
        value = initial_value(element)
    state = element_state(element, value)
    state.pop("type", None)
    action.update(state)
    return action


def with_ids(blocks: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """A copy of the blocks where every block and interactive element has an id, as Slack adds."""
    if blocks is None:
        return None
    blocks = copy.deepcopy(blocks)
    for block in blocks:
        if isinstance(block, dict) and not block.get("block_id"):
            block["block_id"] = secrets.token_urlsafe(4)[:5]
    for _block, element in interactive_elements(blocks):
        if not element.get("action_id"):
            element["action_id"] = secrets.token_urlsafe(4)[:5]
    return blocks
