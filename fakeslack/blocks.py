"""Block Kit validation: the limits Slack enforces.

Validation covers the limits an app really trips over (block counts, text lengths, required
fields, duplicate block ids), answering Slack's ``invalid_blocks`` / ``invalid_arguments`` with
messages shaped like Slack's (``[ERROR] ... [json-pointer:/blocks/0/text/text]``).
"""

from __future__ import annotations

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
