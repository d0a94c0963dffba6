"""The pure pieces of incident types in Slack: the modal's type select and fields, the headline's
answers, and what a submission says."""

import json
from dataclasses import replace

from slack_sdk.models.views import View

from response.core.fields import FieldKind, FieldSpec
from response.slack.blocks.headline import render_headline
from response.slack.blocks.modals import (
    render_declare_modal,
    render_edit_modal,
    with_entered_values,
)
from response.slack.blocks.types import (
    TypeChoice,
    error_block,
    field_values_from,
    render_type_needs_answers,
    render_type_shown,
)
from response.slack.inbound.forms import view_values
from tests.slack.helpers import HOSTILE, unescaped_user_text
from tests.slack.test_blocks import OPEN, SEVERITIES, matches_snapshot

SECURITY = TypeChoice("security", "Security", "Leaks, intrusions", private_by_default=True)
CUSTOMER = TypeChoice("customer", "Customer-facing", "", private_by_default=False)
FIELDS = [
    FieldSpec("exposed", "Data exposed", FieldKind.SINGLE_SELECT, ("None", "Customer"), True),
    FieldSpec("regions", "Regions", FieldKind.MULTI_SELECT, ("EU", "US"), default=["EU"]),
    FieldSpec("records", "Records", FieldKind.NUMBER, default=0, help_text="How many"),
    FieldSpec("ticket", "Ticket", FieldKind.LINK),
    FieldSpec("note", "Note", FieldKind.TEXT, default="Found by the bug bounty"),
]


def modal(chosen=None, fields=()):
    return render_declare_modal(
        title="Keys leaked",
        severities=[],
        report_only_allowed=False,
        metadata={"channel_id": "C1"},
        types=[SECURITY, CUSTOMER],
        chosen_type=chosen,
        type_fields=list(fields),
    )


def blocks_of(view):
    return {b.get("block_id"): b for b in view["blocks"]}


def test_the_modal_asks_the_chosen_types_fields_with_their_defaults():
    view = modal(SECURITY, FIELDS)
    View(**view).validate_json()  # Slack's limits, as slack_sdk knows them
    blocks = blocks_of(view)
    order = [b.get("block_id") for b in view["blocks"]]
    assert order[:3] == ["title", "incident_type", "field:security:exposed"]
    assert blocks["incident_type"]["dispatch_action"] is True
    assert blocks["field:security:exposed"]["optional"] is False
    assert blocks["field:security:regions"]["element"]["initial_options"][0]["value"] == "EU"
    assert blocks["field:security:records"]["element"]["initial_value"] == "0"
    assert blocks["field:security:records"]["hint"]["text"] == "How many"
    assert blocks["field:security:note"]["element"]["initial_value"].startswith("Found")
    assert "options" not in blocks and blocks["options-private"]["element"]["initial_options"]
    assert '"type": "security"' in view["private_metadata"]
    matches_snapshot("declare_modal_with_type", view)


def test_without_types_the_modal_is_unchanged():
    plain = render_declare_modal(
        title="Keys leaked", severities=[], report_only_allowed=False, metadata={"channel_id": "C1"}
    )
    assert "incident_type" not in blocks_of(plain)
    assert plain["private_metadata"] == '{"channel_id": "C1"}'


def test_what_was_entered_is_kept_as_the_new_views_initial_values():
    view = with_entered_values(
        modal(CUSTOMER),
        {"title": "Renamed", "summary": "typed", "lead": "U0DANA", "incident_type": "customer"},
    )
    blocks = blocks_of(view)
    assert blocks["title"]["element"]["initial_value"] == "Renamed"
    assert blocks["summary"]["element"]["initial_value"] == "typed"
    assert blocks["lead"]["element"]["initial_user"] == "U0DANA"
    assert blocks["incident_type"]["element"]["initial_option"]["value"] == "customer"


def test_a_submission_names_the_fields_of_the_type_shown():
    values = view_values(
        {
            "state": {
                "values": {
                    "field:security:records": {
                        "field:security:records": {"type": "number_input", "value": "3"}
                    },
                    "field:customer:tier": {
                        "field:customer:tier": {"type": "plain_text_input", "value": "x"}
                    },
                }
            }
        }
    )
    assert field_values_from(values, "security") == {"records": "3"}
    assert error_block("fields.records", "security") == "field:security:records"
    assert error_block("type", None) == "incident_type"
    assert error_block("title", "security") is None


def test_the_headline_shows_the_type_and_the_answers_escaped():
    blocks = render_headline(
        replace(
            OPEN,
            type_name="Security <!here>",
            fields=(("Data exposed", "Customer"), ("Regions", ["EU", "US"]), ("Note", "a & b")),
        ),
        site_url="https://response.example.com",
    )
    text = str(blocks)
    assert "*Type*\\nSecurity &lt;!here&gt;" in text
    assert "*Data exposed:* Customer · *Regions:* EU, US · *Note:* a &amp; b" in text
    matches_snapshot("headline_with_type", blocks)


def edit_modal(chosen=SECURITY, fields=FIELDS, answers=None):
    return render_edit_modal(
        OPEN,
        severities=SEVERITIES,
        types=[SECURITY, CUSTOMER],
        chosen_type=chosen,
        type_fields=list(fields),
        answers=answers,
    )


def test_the_edit_modal_shows_the_incidents_answers_to_its_type():
    view = edit_modal(answers={"exposed": "Customer", "regions": ["US"], "records": 12})
    View(**view).validate_json()
    blocks = blocks_of(view)
    order = [b.get("block_id") for b in view["blocks"]]
    assert order[4:7] == ["lead", "incident_type", "field:security:exposed"]  # after the rest
    assert blocks["incident_type"]["dispatch_action"] is True
    assert blocks["incident_type"]["element"]["initial_option"]["value"] == "security"
    assert blocks["field:security:exposed"]["element"]["initial_option"]["value"] == "Customer"
    assert [o["value"] for o in blocks["field:security:regions"]["element"]["initial_options"]] == [
        "US"
    ]
    assert blocks["field:security:records"]["element"]["initial_value"] == "12"
    # Answers not given are empty, not the defaults: the incident has none.
    assert "initial_value" not in blocks["field:security:note"]["element"]
    assert "initial_value" not in blocks["field:security:ticket"]["element"]
    assert json.loads(view["private_metadata"]) == {"incident_id": 42, "type": "security"}
    matches_snapshot("edit_modal_with_type", view)


def test_the_edit_modal_shows_another_types_defaults_and_none_without_types():
    blocks = blocks_of(edit_modal(CUSTOMER, FIELDS[:1]))
    assert blocks["incident_type"]["element"]["initial_option"]["value"] == "customer"
    assert "initial_option" not in blocks["field:customer:exposed"]["element"]  # no default
    defaults = blocks_of(edit_modal(SECURITY, FIELDS[1:2]))
    assert defaults["field:security:regions"]["element"]["initial_options"][0]["value"] == "EU"
    untyped = blocks_of(edit_modal(None, ()))
    assert "initial_option" not in untyped["incident_type"]["element"]
    assert not [b for b in untyped if b and b.startswith("field:")]
    plain = render_edit_modal(OPEN, severities=SEVERITIES)
    assert "incident_type" not in blocks_of(plain)
    assert plain["private_metadata"] == '{"incident_id": 42}'


def test_the_answer_to_type_shows_it_its_answers_and_the_others():
    text = render_type_shown(
        SECURITY,
        (("Data exposed", "Customer"), ("Regions", ["EU", "US"])),
        [
            SECURITY,
            CUSTOMER,
        ],
    )
    assert text == (
        "This incident's type is *Security*.\n"
        "*Data exposed:* Customer · *Regions:* EU, US\n"
        "Say `type <name>` to change it (`customer`); the ✏️ Edit button changes its answers."
    )
    assert render_type_shown(None, (), [SECURITY, CUSTOMER]) == (
        "This incident has no type. Say `type <name>` to give it one: `security`, `customer`."
    )
    assert "no types are configured" in render_type_shown(None, (), [])
    hostile = TypeChoice("x", HOSTILE, "", private_by_default=False)
    assert (
        unescaped_user_text({"text": render_type_shown(hostile, ((HOSTILE, HOSTILE),), [])}) == []
    )


def test_the_refusal_of_a_type_that_needs_answers_offers_the_edit_button():
    text, blocks = render_type_needs_answers(42, "Security", "Data exposed is required.")
    assert text == (
        "⚠️ *Security* needs answers I can't take here: Data exposed is required. "
        "Choose it in ✏️ Edit, where its fields are asked."
    )
    [button] = blocks[1]["elements"]
    assert (button["action_id"], button["value"]) == ("edit-incident-button", "42")
    hostile = render_type_needs_answers(42, HOSTILE, HOSTILE)
    assert unescaped_user_text({"text": hostile[0], "blocks": hostile[1]}) == []
