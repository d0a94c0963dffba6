"""The original Response's message builder, for plugins written with it (response.slack.compat).

    message = block_kit.Message()
    message.set_fallback_text("Deploys are frozen")
    message.add_block(block_kit.Section(text=block_kit.Text("Deploys are *frozen*")))
    message.add_block(block_kit.Divider())
    message.add_block(block_kit.Actions(elements=[block_kit.Button("Unfreeze", "unfreeze")]))
    message.send(comms_channel.channel_id)         # posts; with ts=…, edits that message

Each part is a thin front for slack_sdk's block classes, so Slack's limits are checked as ours
are; `serialize()` and `to_dict()` both give the Block Kit dict (a Button can be returned from a
@headline_post_action).

What differs from the original: `send()` does not call Slack. It queues the post (or the edit) on
the work engine, in the caller's transaction, like everything Response posts, so it is delivered
once, in order, through rate limits and outages; it returns None, not Slack's answer with the
message's ts. `open_modal()` is the one call made at once (`views.open` must happen within the
trigger's three seconds) and returns Slack's answer, as before.

New code builds blocks with slack_sdk.models.blocks and posts them with
`comms_channel.post_in_channel(text, blocks=…)` or response.slack.outbound.outbox.
"""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from response.slack import compat
from response.slack.outbound import outbox
from response.slack.outbound.client import request_path_client

MODERN = "slack_sdk.models.blocks, posted with comms_channel.post_in_channel(text, blocks=…)"


def _report_use() -> None:
    compat.report_caller_once("response.slack.block_kit", MODERN)


class Message:
    def __init__(self) -> None:
        _report_use()
        self.fallback_text: str | None = None
        self.blocks: list[Block] = []

    def set_fallback_text(self, text: str) -> None:
        self.fallback_text = text

    def add_block(self, block: Block) -> None:
        self.blocks.append(block)

    def serialize(self) -> list[dict]:
        return [block.serialize() for block in self.blocks]

    def send(self, channel: str, ts: str | None = None) -> None:
        """Post the message in the channel, or with `ts` replace that message: queued, sent by
        the worker once this transaction commits."""
        text, blocks = self.fallback_text or "", self.serialize()
        if ts is None:
            outbox.post_message(channel, text=text, blocks=blocks)
        else:
            outbox.call(
                outbox.channel_lane(channel),
                "chat.update",
                channel=channel,
                ts=ts,
                text=text,
                blocks=blocks,
            )

    def open_modal(
        self,
        trigger_id: str,
        callback_id: str,
        title: str,
        submit: str,
        close: str,
        private_metadata: Any = None,
    ):
        if private_metadata is not None and not isinstance(private_metadata, str):
            private_metadata = json.dumps(private_metadata)
        view = View(
            type="modal",
            callback_id=callback_id,
            title=title,
            submit=submit,
            close=close,
            blocks=self.serialize(),
            private_metadata=private_metadata,
        )
        return request_path_client().views_open(trigger_id=trigger_id, view=view.to_dict())


class Block:
    def __init__(self, block_id: str | None = None) -> None:
        _report_use()
        self.block_id = block_id

    def serialize(self) -> dict:
        raise NotImplementedError

    def to_dict(self) -> dict:
        return self.serialize()


class Text(Block):
    """A text object; with a title, "*title*" on a line of its own above the text."""

    def __init__(
        self,
        text: str,
        title: str | None = None,
        text_type: str = "mrkdwn",
        add_new_line: bool = False,
        block_id: str | None = None,
    ) -> None:
        super().__init__(block_id=block_id)
        self.text, self.title, self.text_type = text, title, text_type
        self.add_new_line = add_new_line

    def serialize(self) -> dict:
        text = self.text
        if self.title:
            text = f"*{self.title}*\n{text}" + ("\n\u00a0" if self.add_new_line else "")
        if self.text_type == "plain_text":
            return PlainTextObject(text=text).to_dict()
        return MarkdownTextObject(text=text).to_dict()


class Section(Block):
    """A section: its fields, or else its text and accessory."""

    def __init__(
        self,
        block_id: str | None = None,
        text: Text | None = None,
        accessory: Any = None,
        fields: list[Text] | None = None,
    ) -> None:
        super().__init__(block_id=block_id)
        self.text, self.accessory, self.fields = text, accessory, fields

    def add_field(self, field: Text) -> None:
        self.fields = [*(self.fields or []), field]

    def serialize(self) -> dict:
        if not (self.fields or self.text or self.accessory):
            raise ValueError("A section needs a text, fields or an accessory.")
        if self.fields:
            fields = [field.serialize() for field in self.fields]
            block = SectionBlock(block_id=self.block_id, fields=fields)
        else:
            block = SectionBlock(
                block_id=self.block_id,
                text=self.text.serialize() if self.text else None,
                accessory=self.accessory.serialize() if self.accessory else None,
            )
        return block.to_dict()


class Actions(Block):
    def __init__(self, block_id: str | None = None, elements: list | None = None) -> None:
        super().__init__(block_id=block_id)
        self.elements = elements

    def add_element(self, element: Any) -> None:
        self.elements = [*(self.elements or []), element]

    def serialize(self) -> dict:
        elements = [e.serialize() for e in self.elements or []]
        return ActionsBlock(block_id=self.block_id, elements=elements).to_dict()


class Divider(Block):
    def serialize(self) -> dict:
        return DividerBlock(block_id=self.block_id).to_dict()


class Context(Block):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def serialize(self) -> dict:
        return ContextBlock(elements=[MarkdownTextObject(text=self.text)]).to_dict()


class Confirm(Block):
    """The "are you sure?" of a button."""

    def __init__(
        self, title: str, text: str, confirm: str, deny: str, block_id: str | None = None
    ) -> None:
        super().__init__(block_id=block_id)
        self.title, self.text, self.confirm, self.deny = title, text, confirm, deny

    def serialize(self) -> dict:
        return ConfirmObject(
            title=self.title,
            text=MarkdownTextObject(text=self.text),
            confirm=self.confirm,
            deny=self.deny,
        ).to_dict()


class Button:
    def __init__(
        self, text: str, action_id: str, value: Any = None, confirm: Confirm | None = None
    ) -> None:
        _report_use()
        self.text = Text(text=text, text_type="plain_text")
        self.action_id, self.value, self.confirm = action_id, value, confirm

    def serialize(self) -> dict:
        return ButtonElement(
            text=self.text.serialize(),
            action_id=self.action_id,
            value=str(self.value) if self.value else None,
            confirm=self.confirm.serialize() if self.confirm else None,
        ).to_dict()

    to_dict = serialize


class StaticSelectOption:
    def __init__(self, text: str, value: str) -> None:
        _report_use()
        self.text, self.value = text, value

    def serialize(self) -> dict:
        return Option(text=PlainTextObject(text=self.text, emoji=True), value=self.value).to_dict()

    to_dict = serialize


class StaticSelect:
    def __init__(
        self, options: list[StaticSelectOption], action_id: str, placeholder_text: str | None = None
    ) -> None:
        _report_use()
        self.options, self.action_id, self.placeholder_text = options, action_id, placeholder_text

    def serialize(self) -> dict:
        return StaticSelectElement(
            action_id=self.action_id,
            options=[o.serialize() for o in self.options],
            placeholder=self.placeholder_text,
        ).to_dict()

    to_dict = serialize


class PlainTextInput(Block):
    def __init__(
        self,
        label: str,
        action_id: str,
        initial_value: str | None = None,
        placeholder_text: str | None = None,
        multiline: bool = False,
        optional: bool = False,
        block_id: str | None = None,
    ) -> None:
        super().__init__(block_id=block_id)
        self.label, self.action_id, self.initial_value = label, action_id, initial_value
        self.placeholder_text, self.multiline, self.optional = placeholder_text, multiline, optional

    def serialize(self) -> dict:
        element = PlainTextInputElement(
            action_id=self.action_id,
            multiline=self.multiline,
            placeholder=self.placeholder_text,
            initial_value=self.initial_value or None,
        )
        return InputBlock(
            block_id=self.block_id, label=self.label, element=element, optional=self.optional
        ).to_dict()


class StaticSelectInput(Block):
    def __init__(
        self,
        label: str,
        options: list[StaticSelectOption],
        action_id: str,
        initial_option: Any = None,
        placeholder_text: str | None = None,
        optional: bool = False,
        block_id: str | None = None,
    ) -> None:
        super().__init__(block_id=block_id)
        self.label, self.options, self.action_id = label, options, action_id
        self.initial_option, self.placeholder_text = initial_option, placeholder_text
        self.optional = optional

    def serialize(self) -> dict:
        initial = self.initial_option
        element = StaticSelectElement(
            action_id=self.action_id,
            options=[o.serialize() for o in self.options],
            placeholder=self.placeholder_text,
            initial_option=initial.serialize() if hasattr(initial, "serialize") else initial,
        )
        return InputBlock(
            block_id=self.block_id, label=self.label, element=element, optional=self.optional
        ).to_dict()


class UserSelect(Block):
    def __init__(
        self,
        label: str,
        action_id: str,
        block_id: str | None = None,
        initial_user: str | None = None,
        placeholder_text: str | None = None,
        optional: bool = False,
    ) -> None:
        super().__init__(block_id=block_id)
        self.label, self.action_id, self.initial_user = label, action_id, initial_user
        self.placeholder_text, self.optional = placeholder_text, optional

    def serialize(self) -> dict:
        element = UserSelectElement(
            action_id=self.action_id,
            placeholder=self.placeholder_text,
            initial_user=self.initial_user,
        )
        return InputBlock(
            block_id=self.block_id, label=self.label, element=element, optional=self.optional
        ).to_dict()
