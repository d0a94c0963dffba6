"""Declaring with an incident type in Slack: the modal follows the type chosen, its fields are
checked and stored, the headline shows them. Signed deliveries in, fakeslack calls out."""

from response.core.models import Incident
from response.core.selectors import field_values_of
from response.slack.models import CommsChannel, HeadlinePost
from tests.incident_types import customer_type, security_type
from tests.slack.helpers import headline_blocks


def open_declare_modal(slack, user="alice", text="Keys leaked on GitHub"):
    assert slack.actor(user).slash_command("/incident", text, channel="general").ok
    return slack.open_views(slack.user_id(user))[-1]


def block(view, block_id):
    return next((b for b in view["blocks"] if b.get("block_id") == block_id), None)


def choose_type(slack, view, slug, user="alice"):
    """Choose a type in the modal and wait for the modal to show its fields."""
    old_hash = slack.view(view["id"])["hash"]
    delivery = slack.actor(user).enter_in_view(view["id"], "incident_type", slug)
    assert delivery is not None and delivery.ok and not delivery.body
    slack.wait_for(lambda: slack.view(view["id"])["hash"] != old_hash, timeout=10)
    return slack.view(view["id"])


def test_without_types_the_modal_is_as_it_was(slack):
    view = open_declare_modal(slack)
    assert block(view, "incident_type") is None
    assert "type" not in view["private_metadata"]


def test_choosing_a_type_shows_its_fields_with_defaults_keeping_what_was_typed(slack):
    security_type()
    customer_type()
    view = open_declare_modal(slack)
    select = block(view, "incident_type")
    assert select["dispatch_action"] is True
    assert [o["value"] for o in select["element"]["options"]] == ["security", "customer"]
    assert block(view, "field:security:data_exposed") is None

    alice = slack.actor("alice")
    alice.enter_in_view(view["id"], "summary", "An API key in a public repository")
    alice.enter_in_view(view["id"], "severity", "major")
    shown = choose_type(slack, view, "customer")
    tier = block(shown, "field:customer:tier")
    assert tier["element"]["initial_option"]["value"] == "Standard"  # its default
    assert block(shown, "field:customer:note")["optional"] is True
    assert block(shown, "options")["element"].get("initial_options") is None  # public type
    # What was typed is still there, the update went with the view's hash.
    assert block(shown, "title")["element"]["initial_value"] == "Keys leaked on GitHub"
    assert block(shown, "summary")["element"]["initial_value"] == (
        "An API key in a public repository"
    )
    assert block(shown, "severity")["element"]["initial_option"]["value"] == "major"
    [update] = slack.calls("views.update")
    assert update.args["hash"] == view["hash"]

    # Another type: its own fields, the previous type's gone; private by default is ticked.
    shown = choose_type(slack, shown, "security")
    assert block(shown, "field:customer:tier") is None
    regions = block(shown, "field:security:regions")
    assert [o["value"] for o in regions["element"]["initial_options"]] == ["EU"]
    assert block(shown, "field:security:data_exposed")["optional"] is False
    assert block(shown, "field:security:ticket")["hint"]["text"] == "The security ticket"
    private = block(shown, "options-private")
    assert [o["value"] for o in private["element"]["initial_options"]] == ["private"]
    assert block(shown, "summary")["element"]["initial_value"].startswith("An API key")


def test_bad_values_and_missing_required_ones_are_refused_in_the_modal(slack):
    security_type()
    view = choose_type(slack, open_declare_modal(slack), "security")
    alice = slack.actor("alice")
    refused = alice.submit_view(
        view["id"],
        {
            "field:security:data_exposed": {"field:security:data_exposed": "Customer"},
            "field:security:ticket": {"field:security:ticket": "ftp://tickets.example/SEC-1"},
        },
    )
    assert refused.body["response_action"] == "errors"
    assert refused.body["errors"] == {
        "field:security:ticket": "Ticket must be a link starting with http:// or https://."
    }
    refused = alice.submit_view(
        view["id"],
        {"field:security:records": {"field:security:records": "lots"}},
    )
    assert refused.body["errors"] == {
        "field:security:records": "Records affected must be a number, not “lots”."
    }
    assert not Incident.objects.exists()


def test_a_required_text_left_blank_is_refused(slack):
    kind = customer_type()
    kind.fields.filter(key="note").update(required=True)
    view = choose_type(slack, open_declare_modal(slack), "customer")
    refused = slack.actor("alice").submit_view(
        view["id"], {"field:customer:note": {"field:customer:note": "   "}}
    )
    assert refused.body["errors"] == {"field:customer:note": "Support note is required."}
    assert not Incident.objects.exists()


def test_declaring_with_a_type_stores_its_values_and_the_headline_shows_them(slack):
    customer_type()
    view = choose_type(slack, open_declare_modal(slack, text="Checkout is slow"), "customer")
    delivery = slack.actor("alice").submit_view(
        view["id"],
        {
            "field:customer:tier": {"field:customer:tier": "Gold"},
            "field:customer:note": {"field:customer:note": "Acme & co <!channel>"},
        },
    )
    assert delivery.ok and not delivery.body
    incident = Incident.objects.get()
    assert incident.type.slug == "customer" and not incident.is_private
    assert field_values_of(incident) == {"tier": "Gold", "note": "Acme & co <!channel>"}
    slack.wait_for(lambda: HeadlinePost.objects.exists())
    text = str(headline_blocks(slack, incident))
    assert "*Type*\\nCustomer-facing" in text
    assert "*Customer tier:* Gold · *Support note:* Acme &amp; co &lt;!channel&gt;" in text


def test_a_private_by_default_type_declares_a_private_incident_unless_unticked(slack):
    security_type()
    view = choose_type(slack, open_declare_modal(slack), "security")
    answers = {"field:security:data_exposed": {"field:security:data_exposed": "Internal"}}
    assert slack.actor("alice").submit_view(view["id"], answers).ok
    incident = Incident.objects.get()
    assert incident.is_private
    assert field_values_of(incident) == {"data_exposed": "Internal", "regions": ["EU"]}
    slack.wait_for(lambda: CommsChannel.objects.filter(incident=incident).exists(), timeout=10)

    view = choose_type(slack, open_declare_modal(slack, user="bob"), "security", user="bob")
    answers["options-private"] = {"options-private": []}  # Bob unticks "Private"
    assert slack.actor("bob").submit_view(view["id"], answers).ok
    assert not Incident.objects.latest("id").is_private


def test_submitted_before_the_modal_caught_up_with_the_type_is_refused(slack):
    security_type()
    customer_type()
    view = choose_type(slack, open_declare_modal(slack), "customer")
    # The select says "security" but the modal still shows the customer fields.
    refused = slack.actor("alice").submit_view(
        view["id"], {"incident_type": {"incident_type": "security"}}
    )
    assert "Submit again" in refused.body["errors"]["incident_type"]
    assert not Incident.objects.exists()
