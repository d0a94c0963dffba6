"""The pure pieces of incident types in Slack: the modal's type select and fields, the headline's
answers, and what a submission says."""

from dataclasses import replace

from slack_sdk.models.views import View

from response.core.fields import FieldKind, FieldSpec
from response.slack.blocks.headline import render_headline
from response.slack.blocks.modals import render_declare_modal, with_entered_values
from response.slack.blocks.types import TypeChoice, error_block, field_values_from
from response.slack.inbound.forms import view_values
from tests.slack.test_blocks import OPEN, matches_snapshot

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
