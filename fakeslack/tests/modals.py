"""Block Kit fixtures shared by the delivery tests."""

from __future__ import annotations


def plain(text: str) -> dict:
    return {"type": "plain_text", "text": text}


def option(text: str, value: str) -> dict:
    return {"text": plain(text), "value": value}


def input_block(block_id: str, element: dict, *, optional: bool = False) -> dict:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(block_id.title()),
        "element": {"action_id": "value", **element},
        "optional": optional,
    }


SEVERITIES = [option("SEV1", "1"), option("SEV2", "2"), option("SEV3", "3")]


def declare_modal(metadata: str = "", *, notify_on_close: bool = False) -> dict:
    """A modal with one input of every common kind."""
    return {
        "type": "modal",
        "callback_id": "declare",
        "title": plain("Declare an incident"),
        "submit": plain("Declare"),
        "close": plain("Cancel"),
        "private_metadata": metadata,
        "notify_on_close": notify_on_close,
        "blocks": [
            input_block("summary", {"type": "plain_text_input", "initial_value": metadata}),
            input_block("severity", {"type": "static_select", "options": SEVERITIES}),
            input_block("lead", {"type": "users_select"}),
            input_block(
                "flags",
                {"type": "checkboxes", "options": [option("Public", "public")]},
                optional=True,
            ),
            input_block("date", {"type": "datepicker"}, optional=True),
            input_block("time", {"type": "timepicker"}, optional=True),
            input_block(
                "impact",
                {
                    "type": "radio_buttons",
                    "options": [option("Low", "low"), option("High", "high")],
                },
                optional=True,
            ),
            input_block("watchers", {"type": "multi_users_select"}, optional=True),
            {
                "type": "actions",
                "block_id": "tools",
                "elements": [
                    {"type": "button", "action_id": "add_note", "text": plain("Add a note")}
                ],
            },
        ],
    }


def small_modal(title: str = "Next step", callback_id: str = "next") -> dict:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title),
        "submit": plain("OK"),
        "blocks": [input_block("note", {"type": "plain_text_input"}, optional=True)],
    }


def headline_blocks() -> list[dict]:
    """A message with a button, a static select and a users select."""
    return [
        {
            "type": "section",
            "block_id": "summary",
            "text": {"type": "mrkdwn", "text": "*Checkout*"},
        },
        {
            "type": "actions",
            "block_id": "controls",
            "elements": [
                {
                    "type": "button",
                    "action_id": "close_incident",
                    "text": plain("Close"),
                    "value": "incident-1",
                    "style": "danger",
                },
                {
                    "type": "static_select",
                    "action_id": "severity",
                    "placeholder": plain("Severity"),
                    "options": SEVERITIES,
                },
                {"type": "users_select", "action_id": "lead", "placeholder": plain("Lead")},
            ],
        },
    ]


HOME = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}]}
