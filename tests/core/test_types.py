"""Incident types and custom fields: the pure rules of values, and the verbs that store them."""

import pytest

from response.core import verbs
from response.core.errors import InvalidInput
from response.core.fields import (
    FieldKind,
    FieldSpec,
    check_field_definition,
    clean_field_value,
    clean_field_values,
    shown_value,
)
from response.core.models import AuditEvent, CustomFieldValue, TimelineEvent
from response.core.selectors import field_values_of, shown_fields_of
from tests.factories import declare
from tests.incident_types import customer_type, security_type

NUMBER = FieldSpec("records", "Records affected", FieldKind.NUMBER)
LINK = FieldSpec("ticket", "Ticket", FieldKind.LINK)
TIER = FieldSpec("tier", "Tier", FieldKind.SINGLE_SELECT, ("Standard", "Gold"), default="Standard")
REGIONS = FieldSpec("regions", "Regions", FieldKind.MULTI_SELECT, ("EU", "US", "APAC"))
NOTE = FieldSpec("note", "Note", FieldKind.TEXT, required=True)


def refusal(spec, raw) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        clean_field_value(spec, raw)
    return caught.value


# --- The rules (pure) ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"), [("12", 12), (" 1.5 ", 1.5), (7, 7), (2.0, 2), ("-3", -3), ("1e3", 1000)]
)
def test_a_number_is_stored_as_a_number(raw, stored):
    assert clean_field_value(NUMBER, raw) == stored


@pytest.mark.parametrize("raw", ["twelve", "12 records", True, "nan", "inf", [1], "1_000"])
def test_what_is_not_a_number_is_refused_saying_so(raw):
    error = refusal(NUMBER, raw)
    assert error.message.startswith("Records affected must be a number")
    assert error.field == "fields.records"


@pytest.mark.parametrize("raw", ["https://jira.example.com/SEC-1", " http://x.example/a?b=1 "])
def test_a_link_is_http_or_https(raw):
    assert clean_field_value(LINK, raw) == raw.strip()


@pytest.mark.parametrize(
    "raw", ["jira.example.com/SEC-1", "javascript:alert(1)", "ftp://x.example", "https://", 5]
)
def test_anything_else_is_not_a_link(raw):
    assert "must be a link" in refusal(LINK, raw).message


def test_a_select_takes_one_of_its_options_whatever_the_case():
    assert clean_field_value(TIER, "gold") == "Gold"
    error = refusal(TIER, "Platinum")
    assert error.message == "Tier must be one of: Standard, Gold (not “Platinum”)."


def test_a_multi_select_keeps_the_options_order_once_each():
    assert clean_field_value(REGIONS, ["US", "eu", "US"]) == ["EU", "US"]
    assert clean_field_value(REGIONS, "APAC") == ["APAC"]
    assert clean_field_value(REGIONS, []) is None
    assert "must be one of" in refusal(REGIONS, ["EU", "Mars"]).message


def test_empty_is_nothing_and_text_is_trimmed():
    assert clean_field_value(NOTE, "   ") is None
    assert clean_field_value(NOTE, "  the note ") == "the note"
    assert "2000" in refusal(NOTE, "x" * 2001).message


def test_defaults_fill_what_is_left_out_and_required_fields_must_be_answered():
    specs = [TIER, NOTE, NUMBER]
    assert clean_field_values(specs, {"note": "hi"}) == {"tier": "Standard", "note": "hi"}
    with pytest.raises(InvalidInput, match=r"Note is required\.") as caught:
        clean_field_values(specs, {"tier": "Gold"})
    assert caught.value.field == "fields.note"
    # Given empty on purpose, a field with a default is empty.
    assert clean_field_values(specs, {"note": "hi", "tier": None}) == {"note": "hi"}
    # What is not given keeps its current value (a change of one field).
    current = {"tier": "Gold", "note": "old", "records": 3}
    assert clean_field_values(specs, {"note": "new"}, current=current) == {
        "tier": "Gold",
        "note": "new",
        "records": 3,
    }


def test_an_unknown_field_is_refused_naming_the_known_ones():
    with pytest.raises(InvalidInput, match=r"Unknown field “colour”.*note, records, tier"):
        clean_field_values([TIER, NOTE, NUMBER], {"note": "x", "colour": "red"})


def test_the_admin_is_told_what_is_wrong_with_a_definition():
    assert check_field_definition(TIER) == {}
    assert "options" in check_field_definition(FieldSpec("a", "A", FieldKind.SINGLE_SELECT))
    assert "options" in check_field_definition(FieldSpec("a", "A", FieldKind.TEXT, ("x",)))
    bad_default = FieldSpec("n", "N", FieldKind.NUMBER, default="lots")
    assert check_field_definition(bad_default) == {"default": "N must be a number, not “lots”."}
    twice = FieldSpec("a", "A", FieldKind.MULTI_SELECT, ("EU", "eu"))
    assert check_field_definition(twice) == {"options": "Each option must be different."}


def test_values_are_shown_as_people_read_them():
    assert shown_value(["EU", "US"]) == "EU, US"
    assert shown_value(12) == "12"
    assert shown_value(None) == ""


# --- The verbs -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_declaring_with_a_type_stores_the_values_with_their_defaults():
    security_type()
    incident = declare(
        incident_type="security",
        fields={"data_exposed": "customer", "records": "120"},
        is_private=None,
    )
    assert incident.type.slug == "security"
    assert incident.is_private  # the type is private by default
    assert field_values_of(incident) == {
        "data_exposed": "Customer",
        "regions": ["EU"],
        "records": 120,
    }
    assert [f.label for f in shown_fields_of(incident)] == [
        "Data exposed",
        "Regions",
        "Records affected",
    ]
    declared = AuditEvent.objects.get(verb="incident.declared")
    assert declared.after["type"] == "security"
    assert declared.after["fields"]["records"] == 120


@pytest.mark.django_db
def test_the_declarer_may_say_a_private_by_default_type_is_public():
    security_type()
    incident = declare(incident_type="Security", fields={"data_exposed": "None"}, is_private=False)
    assert not incident.is_private


@pytest.mark.django_db
def test_declaring_without_a_required_field_declares_nothing():
    security_type()
    with pytest.raises(InvalidInput, match=r"Data exposed is required\.") as caught:
        declare(incident_type="security", fields={"records": 3})
    assert caught.value.field == "fields.data_exposed"
    with pytest.raises(InvalidInput, match=r"Unknown type “nope”\. Choose one of: security\."):
        declare(incident_type="nope")
    assert not CustomFieldValue.objects.exists()


@pytest.mark.django_db
def test_an_archived_type_is_no_longer_offered():
    kind = customer_type()
    kind.archived = True
    kind.save()
    with pytest.raises(InvalidInput, match="archived"):
        declare(incident_type="customer")


@pytest.mark.django_db
def test_fields_need_a_type():
    with pytest.raises(InvalidInput, match="need a type"):
        declare(fields={"tier": "Gold"})


@pytest.mark.django_db
def test_changing_fields_later_is_one_change_with_its_timeline_entry_and_audit_row():
    customer_type()
    incident = declare(incident_type="customer", fields={"note": "VIP"})
    verbs.set_type_and_fields(incident, fields={"tier": "Gold", "note": None})
    assert field_values_of(incident) == {"tier": "Gold"}
    entry = TimelineEvent.objects.filter(incident=incident, kind="field").latest("id")
    assert entry.text == "Customer tier set to Gold; Support note cleared"
    audit = AuditEvent.objects.filter(verb="incident.updated").latest("id")
    assert audit.before == {"type": "customer", "fields": {"tier": "Standard", "note": "VIP"}}
    assert audit.after == {"type": "customer", "fields": {"tier": "Gold"}}
    # Nothing changed: nothing written.
    verbs.set_type_and_fields(incident, fields={"tier": "gold"})
    assert AuditEvent.objects.filter(verb="incident.updated").count() == 1


@pytest.mark.django_db
def test_a_new_type_starts_from_its_defaults_and_refuses_what_it_lacks():
    customer_type()
    security_type()
    incident = declare(incident_type="customer", fields={"tier": "Gold"})
    with pytest.raises(InvalidInput, match=r"Data exposed is required\."):
        verbs.set_type_and_fields(incident, incident_type="security")
    assert field_values_of(incident) == {"tier": "Gold"}  # unchanged
    verbs.set_type_and_fields(incident, incident_type="security", fields={"data_exposed": "None"})
    incident.refresh_from_db()
    assert incident.type.slug == "security"
    assert field_values_of(incident) == {"data_exposed": "None", "regions": ["EU"]}
    entry = TimelineEvent.objects.filter(incident=incident, kind="field").latest("id")
    assert entry.text.startswith("Type changed to Security; Data exposed set to None")
    verbs.set_type_and_fields(incident, incident_type=None)
    incident.refresh_from_db()
    assert incident.type is None and field_values_of(incident) == {}


@pytest.mark.django_db
def test_an_incident_without_a_type_reads_no_values(django_assert_num_queries):
    incident = declare()
    with django_assert_num_queries(0):
        assert field_values_of(incident) == {}
        assert shown_fields_of(incident) == []
