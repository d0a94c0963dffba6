"""Block Kit: the limits Slack enforces, finding interactive elements, and ``state.values``.

Validation covers the limits an app really trips over (block counts, text lengths, required
fields, duplicate block ids), answering Slack's ``invalid_blocks`` / ``invalid_arguments`` with
messages shaped like Slack's (``[ERROR] ... [json-pointer:/blocks/0/text/text]``).
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Iterator
from typing import Any

from .errors import SlackError

BLOCK_TYPES = {
    "actions",
    "context",
    "divider",
    "file",
    "header",
    "image",
    "input",
    "rich_text",
    "section",
    "video",
    "markdown",
    "call",
}
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
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, message: str, pointer: str) -> None:
        self.errors.append(f"[ERROR] {message} [json-pointer:{pointer}]")

    def text(self, obj: Any, pointer: str, *, limit: int, plain_only: bool = False) -> None:
        if not isinstance(obj, dict):
            self.fail("must provide an object", pointer)
            return
        kinds = {"plain_text"} if plain_only else {"plain_text", "mrkdwn"}
        if obj.get("type") not in kinds:
            self.fail(f"must be one of {sorted(kinds)}", pointer + "/type")
        text = obj.get("text")
        if not isinstance(text, str) or not text:
            self.fail("must be more than 0 characters", pointer + "/text")
        elif len(text) > limit:
            self.fail(f"must be less than {limit + 1} characters", pointer + "/text")

    def element(self, element: Any, pointer: str) -> None:
        if not isinstance(element, dict) or "type" not in element:
            self.fail("missing required field: type", pointer)
            return
        if len(element.get("action_id", "")) > 255:
            self.fail("must be less than 256 characters", pointer + "/action_id")
        kind = element["type"]
        if kind == "button":
            self.text(element.get("text"), pointer + "/text", limit=75, plain_only=True)
            if len(str(element.get("value", ""))) > 2000:
                self.fail("must be less than 2001 characters", pointer + "/value")
        if kind in {
            "static_select",
            "multi_static_select",
            "overflow",
            "radio_buttons",
            "checkboxes",
        }:
            options = element.get("options")
            groups = element.get("option_groups")
            if options is None and groups is None:
                self.fail("must provide either options or option_groups", pointer)
            for i, option in enumerate(options or []):
                self.text(option.get("text"), f"{pointer}/options/{i}/text", limit=75)
                if len(str(option.get("value", ""))) > 150:
                    self.fail("must be less than 151 characters", f"{pointer}/options/{i}/value")
            if options is not None and len(options) > (5 if kind == "overflow" else 100):
                self.fail("too many options", pointer + "/options")

    def block(self, block: Any, pointer: str, seen_ids: set[str]) -> None:
        if not isinstance(block, dict):
            self.fail("must provide an object", pointer)
            return
        kind = block.get("type")
        if kind not in BLOCK_TYPES:
            self.fail(f"unsupported type: {kind}", pointer + "/type")
            return
        block_id = block.get("block_id")
        if block_id is not None:
            if len(block_id) > 255:
                self.fail("must be less than 256 characters", pointer + "/block_id")
            if block_id in seen_ids:
                self.fail(f"duplicate block_id: {block_id}", pointer + "/block_id")
            seen_ids.add(block_id)
        if kind == "section":
            if "text" not in block and "fields" not in block:
                self.fail("must provide either text or fields", pointer)
            if "text" in block:
                self.text(block["text"], pointer + "/text", limit=3000)
            fields = block.get("fields") or []
            if len(fields) > 10:
                self.fail("must provide no more than 10 items", pointer + "/fields")
            for i, f in enumerate(fields):
                self.text(f, f"{pointer}/fields/{i}", limit=2000)
            if "accessory" in block:
                self.element(block["accessory"], pointer + "/accessory")
        elif kind == "header":
            self.text(block.get("text"), pointer + "/text", limit=150, plain_only=True)
        elif kind == "actions":
            elements = block.get("elements") or []
            if not elements or len(elements) > 25:
                self.fail("must provide between 1 and 25 items", pointer + "/elements")
            for i, e in enumerate(elements):
                self.element(e, f"{pointer}/elements/{i}")
        elif kind == "context":
            elements = block.get("elements") or []
            if not elements or len(elements) > 10:
                self.fail("must provide between 1 and 10 items", pointer + "/elements")
        elif kind == "input":
            self.text(block.get("label"), pointer + "/label", limit=2000, plain_only=True)
            if "element" not in block:
                self.fail("missing required field: element", pointer)
            else:
                self.element(block["element"], pointer + "/element")
        elif kind == "image":
            if not block.get("image_url") and not block.get("slack_file"):
                self.fail("missing required field: image_url", pointer)
            if not block.get("alt_text"):
                self.fail("missing required field: alt_text", pointer)


def block_errors(
    blocks: Any, *, limit: int = MAX_MESSAGE_BLOCKS, pointer: str = "/blocks"
) -> list[str]:
    """Slack-style error messages for a list of blocks; empty when valid."""
    checker = _Checker()
    if not isinstance(blocks, list):
        checker.fail("must provide an array", pointer)
        return checker.errors
    if len(blocks) > limit:
        checker.fail(f"must provide no more than {limit} items", pointer)
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        checker.block(block, f"{pointer}/{i}", seen)
    return checker.errors


def check_message_blocks(blocks: Any) -> None:
    errors = block_errors(blocks)
    if errors:
        raise SlackError("invalid_blocks", errors=errors, response_metadata={"messages": errors})


def check_view(view: Any, *, surface: str | None = None) -> None:
    """Validate a view for views.open/push/update/publish: ``invalid_arguments`` when wrong."""
    checker = _Checker()
    if not isinstance(view, dict):
        raise SlackError("invalid_arguments", "view must be an object")
    kind = view.get("type")
    if kind not in ("modal", "home"):
        checker.fail("must be one of [modal, home]", "/view/type")
    if surface and kind != surface:
        checker.fail(f"must be {surface}", "/view/type")
    if kind == "modal":
        checker.text(view.get("title"), "/view/title", limit=24, plain_only=True)
        for key in ("submit", "close"):
            if view.get(key) is not None:
                checker.text(view[key], f"/view/{key}", limit=24, plain_only=True)
        has_input = any(
            isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or []
        )
        if has_input and not view.get("submit"):
            checker.fail("missing required field: submit", "/view/submit")
    if len(view.get("callback_id") or "") > 255:
        checker.fail("must be less than 256 characters", "/view/callback_id")
    if len(view.get("private_metadata") or "") > 3000:
        checker.fail("must be less than 3001 characters", "/view/private_metadata")
    checker.errors += block_errors(
        view.get("blocks"), limit=MAX_VIEW_BLOCKS, pointer="/view/blocks"
    )
    if checker.errors:
        raise SlackError("invalid_arguments", response_metadata={"messages": checker.errors})


# -- interactive elements ----------------------------------------------------------------------


def interactive_elements(blocks: list[dict]) -> Iterator[tuple[dict, dict]]:
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


def find_element(blocks: list[dict], action_id: str) -> tuple[dict, dict]:
    for block, element in interactive_elements(blocks):
        if element.get("action_id") == action_id:
            return block, element
    raise LookupError(f"no interactive element with action_id {action_id!r}")


def _all_options(element: dict) -> list[dict]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options", [])
    return options


def _option(element: dict, value: Any) -> dict:
    if isinstance(value, dict):
        return value
    for option in _all_options(element):
        if option.get("value") == value:
            return copy.deepcopy(option)
    if element.get("type", "").endswith("external_select"):
        return {"text": {"type": "plain_text", "text": str(value)}, "value": str(value)}
    raise LookupError(f"{element.get('action_id')!r} has no option with value {value!r}")


def element_state(element: dict, value: Any) -> dict:
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
        state["selected_date_time"] = value
    elif kind == "rich_text_input":
        state["rich_text_value"] = value
    else:
        state["value"] = value
    return state


def initial_value(element: dict) -> Any:
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


def is_empty(state: dict) -> bool:
    meaningful = [v for k, v in state.items() if k != "type"]
    return all(v in (None, "", []) for v in meaningful)


def state_values(
    blocks: list[dict],
    current: dict[str, dict[str, Any]] | None = None,
    given: dict[str, dict[str, Any]] | None = None,
    *,
    require: bool = False,
) -> dict:
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
    values: dict[str, dict] = {}
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


def action_payload(block: dict, element: dict, value: Any, action_ts: str) -> dict:
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


def with_ids(blocks: list[dict] | None) -> list[dict] | None:
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
