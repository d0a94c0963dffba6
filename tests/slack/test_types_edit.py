"""Changing an incident's type after it was declared, from Slack: the headline's ✏️ Edit modal
shows the type and its answers and follows the type chosen; `@Response type <name>` changes it
when the new type asks nothing it has no default for. Signed deliveries in, the real worker,
fakeslack's calls and the rows out."""

from response.core import verbs
from response.core.models import AuditEvent, CustomField, Incident, TimelineEvent
from response.core.selectors import field_values_of
from response.slack.models import HeadlinePost
from tests.incident_types import customer_type, security_type
from tests.slack.helpers import declare_in_slack, headline_blocks, mention, reactions_on
from tests.slack.test_types import block, choose_type


def declare_customer_facing(slack):
    """An incident declared in Slack, then made Customer-facing (tier Gold) with the verb."""
    security_type()
    customer_type()
    incident, channel_id = declare_in_slack(slack, title="Checkout is slow")
    verbs.set_type_and_fields(
        incident, incident_type="customer", fields={"tier": "Gold", "note": "Acme & co"}
    )
    slack.wait_for(lambda: "Customer-facing" in str(headline_blocks(slack, incident)))
    return incident, channel_id


def open_edit_modal(slack, incident, user="bob"):
    post = HeadlinePost.objects.get(incident=incident)
    assert slack.actor(user).click(post.channel_id, post.message_ts, "edit-incident-button").ok
    view = slack.open_views(slack.user_id(user))[-1]
    assert view["callback_id"] == "edit-incident-modal"
    return view


def type_changes(incident):
    """The audit rows of the incident's type and answers changing."""
    return [
        a
        for a in AuditEvent.objects.filter(incident=incident, verb="incident.updated")
        if "type" in a.after
    ]


def refreshed(incident):
    return Incident.objects.select_related("type").get(pk=incident.pk)


def test_the_edit_modal_shows_the_type_and_the_incidents_answers(slack):
    incident, _ = declare_customer_facing(slack)
    view = open_edit_modal(slack, incident)
    select = block(view, "incident_type")
    assert select["dispatch_action"] is True
    assert select["element"]["initial_option"]["value"] == "customer"
    assert [o["value"] for o in select["element"]["options"]] == ["security", "customer"]
    assert block(view, "field:customer:tier")["element"]["initial_option"]["value"] == "Gold"
    assert block(view, "field:customer:note")["element"]["initial_value"] == "Acme & co"
    assert '"type": "customer"' in view["private_metadata"]


def test_without_types_the_edit_modal_is_as_it_was(slack):
    incident, _ = declare_in_slack(slack)
    view = open_edit_modal(slack, incident)
    assert block(view, "incident_type") is None
    assert "type" not in view["private_metadata"]


def test_choosing_another_type_shows_its_fields_with_their_defaults(slack):
    incident, _ = declare_customer_facing(slack)
    view = open_edit_modal(slack, incident)
    slack.actor("bob").enter_in_view(view["id"], "title", "Checkout fails for EU cards")
    shown = choose_type(slack, view, "security", user="bob")
    assert block(shown, "field:customer:tier") is None
    regions = block(shown, "field:security:regions")
    assert [o["value"] for o in regions["element"]["initial_options"]] == ["EU"]  # its default
    assert block(shown, "field:security:data_exposed")["optional"] is False
    assert block(shown, "title")["element"]["initial_value"] == "Checkout fails for EU cards"
    assert '"type": "security"' in shown["private_metadata"]
    [update] = slack.calls("views.update")
    assert update.args["hash"] == view["hash"]

    # Back to its own type: the incident's answers again, not the defaults.
    shown = choose_type(slack, shown, "customer", user="bob")
    assert block(shown, "field:customer:tier")["element"]["initial_option"]["value"] == "Gold"
    assert refreshed(incident).type.slug == "customer"  # nothing saved until submitted


def test_submitting_a_new_type_changes_it_with_timeline_audit_and_headline(slack, worker):
    incident, _ = declare_customer_facing(slack)
    view = choose_type(slack, open_edit_modal(slack, incident), "security", user="bob")
    entries = TimelineEvent.objects.filter(incident=incident).count()
    submitted = slack.actor("bob").submit_view(
        view["id"],
        {
            "field:security:data_exposed": {"field:security:data_exposed": "Customer"},
            "field:security:records": {"field:security:records": "1200"},
        },
    )
    assert submitted.ok and not submitted.body, submitted.body
    incident = refreshed(incident)
    assert incident.type.slug == "security"
    assert field_values_of(incident) == {
        "data_exposed": "Customer",
        "regions": ["EU"],
        "records": 1200,
    }
    [entry] = TimelineEvent.objects.filter(incident=incident).order_by("id")[entries:]
    assert entry.text.startswith("Type changed to Security; Data exposed set to Customer")
    assert entry.author.external_id == slack.user_id("bob")
    [audit] = type_changes(incident)[1:]  # after the set-up's
    assert audit.before["type"] == "customer" and audit.after["type"] == "security"
    assert audit.after["fields"]["records"] == 1200
    slack.wait_for(lambda: "*Type*\\nSecurity" in str(headline_blocks(slack, incident)))
    assert "*Data exposed:* Customer" in str(headline_blocks(slack, incident))
    assert any("Security" in str(c.args.get("blocks")) for c in slack.calls("chat.update"))
    assert worker.settled()


def test_the_answers_alone_can_change(slack):
    incident, _ = declare_customer_facing(slack)
    view = open_edit_modal(slack, incident)
    answer = slack.actor("bob").submit_view(
        view["id"], {"field:customer:tier": {"field:customer:tier": "Standard"}}
    )
    assert answer.ok and not answer.body
    assert field_values_of(incident) == {"tier": "Standard", "note": "Acme & co"}
    entry = TimelineEvent.objects.filter(incident=incident).latest("id")
    assert entry.text == "Customer tier set to Standard"


def test_an_untouched_modal_makes_no_timeline_noise(slack, worker):
    incident, _ = declare_customer_facing(slack)
    assert worker.settled()
    entries = TimelineEvent.objects.filter(incident=incident).count()
    audits = AuditEvent.objects.filter(incident=incident).count()
    view = open_edit_modal(slack, incident)
    answer = slack.actor("bob").submit_view(view["id"], {})
    assert answer.ok and not answer.body
    assert TimelineEvent.objects.filter(incident=incident).count() == entries
    assert AuditEvent.objects.filter(incident=incident).count() == audits


def test_a_required_field_missing_is_a_modal_error_and_nothing_changes(slack, worker):
    incident, _ = declare_customer_facing(slack)
    # Slack takes spaces for an answer, and a field made required in the admin since the
    # modal opened is optional in it: Response itself refuses both.
    CustomField.objects.filter(incident_type__slug="customer", key="note").update(required=True)
    view = open_edit_modal(slack, incident)
    bob = slack.actor("bob")
    refused = bob.submit_view(
        view["id"],
        {
            "title": {"title": "Renamed"},
            "severity": {"severity": "major"},
            "field:customer:note": {"field:customer:note": "   "},
        },
    )
    assert refused.body == {
        "response_action": "errors",
        "errors": {"field:customer:note": "Support note is required."},
    }
    assert slack.view(view["id"])["is_open"]

    view = choose_type(slack, view, "security", user="bob")
    CustomField.objects.filter(incident_type__slug="security", key="ticket").update(required=True)
    answers = {"field:security:data_exposed": {"field:security:data_exposed": "Customer"}}
    refused = bob.submit_view(view["id"], answers)
    assert refused.body["errors"] == {"field:security:ticket": "Ticket is required."}

    incident = refreshed(incident)
    assert (incident.title, incident.type.slug) == ("Checkout is slow", "customer")
    assert incident.severity is None or incident.severity.slug != "major"
    assert field_values_of(incident) == {"tier": "Gold", "note": "Acme & co"}
    assert len(type_changes(incident)) == 1  # the set-up's only
    assert worker.settled()


def test_a_bad_number_is_a_modal_error(slack):
    incident, _ = declare_customer_facing(slack)
    view = choose_type(slack, open_edit_modal(slack, incident), "security", user="bob")
    refused = slack.actor("bob").submit_view(
        view["id"],
        {
            "field:security:data_exposed": {"field:security:data_exposed": "Customer"},
            "field:security:records": {"field:security:records": "lots"},
        },
    )
    assert refused.body["errors"] == {
        "field:security:records": "Records affected must be a number, not “lots”."
    }
    assert refreshed(incident).type.slug == "customer"


def test_submitted_before_the_modal_caught_up_with_the_type_is_refused(slack):
    incident, _ = declare_customer_facing(slack)
    view = open_edit_modal(slack, incident)
    refused = slack.actor("bob").submit_view(
        view["id"], {"incident_type": {"incident_type": "security"}}
    )
    assert "Submit again" in refused.body["errors"]["incident_type"]
    assert refreshed(incident).type.slug == "customer"


# --- `@Response type` ---------------------------------------------------------------------------


def ephemeral_saying(slack, channel_id, user, words):
    slack.wait_for(
        lambda: any(words in str(e) for e in slack.ephemeral(channel=channel_id, user=user))
    )
    return next(e for e in slack.ephemeral(channel=channel_id, user=user) if words in str(e))


def test_mentioning_type_security_changes_it(slack, worker):
    kind = security_type()
    kind.fields.filter(key="data_exposed").update(default="None")  # required, with a default
    incident, channel_id = declare_in_slack(slack)
    ts = mention(slack, "bob", channel_id, "type Security")
    slack.wait_for(lambda: refreshed(incident).type_id == kind.pk)
    assert field_values_of(refreshed(incident)) == {"data_exposed": "None", "regions": ["EU"]}
    slack.wait_for(lambda: "white_check_mark" in reactions_on(slack, channel_id, ts))
    entry = TimelineEvent.objects.filter(incident=incident).latest("id")
    assert entry.text.startswith("Type changed to Security")
    assert len(type_changes(incident)) == 1
    slack.wait_for(lambda: "*Type*\\nSecurity" in str(headline_blocks(slack, incident)))
    assert worker.settled()


def test_a_type_that_needs_answers_is_refused_with_the_edit_button(slack, worker):
    security_type()
    incident, channel_id = declare_in_slack(slack)
    ts = mention(slack, "bob", channel_id, "type security")
    answer = ephemeral_saying(slack, channel_id, "bob", "needs answers")
    assert "Data exposed is required." in answer["text"]
    assert worker.settled()
    assert refreshed(incident).type is None
    assert reactions_on(slack, channel_id, ts) == set()
    # Its button opens the edit modal, where the answers can be given.
    assert slack.actor("bob").click(channel_id, answer["ts"], "edit-incident-button").ok
    view = slack.open_views(slack.user_id("bob"))[-1]
    assert view["callback_id"] == "edit-incident-modal"
    assert block(view, "incident_type")["element"].get("initial_option") is None


def test_an_unknown_type_is_answered_with_the_choices(slack, worker):
    security_type()
    customer_type()
    incident, channel_id = declare_in_slack(slack)
    ts = mention(slack, "bob", channel_id, "type <!channel>")
    answer = ephemeral_saying(slack, channel_id, "bob", "Unknown type")
    assert answer["text"] == ("⚠️ Unknown type “@channel”. Choose one of: security, customer.")
    assert worker.settled()
    assert reactions_on(slack, channel_id, ts) == set()  # a known command, refused
    assert refreshed(incident).type is None


def test_type_alone_answers_with_the_type_and_its_answers(slack):
    _, channel_id = declare_customer_facing(slack)
    mention(slack, "bob", channel_id, "type")
    answer = ephemeral_saying(slack, channel_id, "bob", "This incident's type is")
    assert answer["text"] == (
        "This incident's type is *Customer-facing*.\n"
        "*Customer tier:* Gold · *Support note:* Acme &amp; co\n"
        "Say `type <name>` to change it (`security`); the ✏️ Edit button changes its answers."
    )


def test_the_slash_command_refuses_in_its_answer(slack):
    security_type()
    _, channel_id = declare_in_slack(slack)
    answer = slack.actor("bob").slash_command("/incident", "type security", channel=channel_id)
    assert "needs answers" in answer.body["text"]
