"""Incident types on the web: shown on the incident page and the write-up, changed with the
incident page's form (the core's refusals on the field they name), filtered in the list."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from response.core import verbs
from response.core.models import Incident, TimelineEvent
from response.core.selectors import field_values_of
from tests.factories import declare
from tests.incident_types import customer_type, security_type

pytestmark = pytest.mark.django_db


def page(client, incident) -> str:
    response = client.get(reverse("web:incident", args=[incident.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_without_types_the_page_has_no_type_section(signed_in):
    html = page(signed_in, declare())
    assert 'id="type"' not in html
    assert "Any type" not in signed_in.get(reverse("web:incidents")).content.decode()


def test_the_page_shows_the_type_and_its_answers(signed_in):
    security_type()
    incident = declare(
        incident_type="security",
        fields={
            "data_exposed": "Customer",
            "regions": ["EU", "US"],
            "ticket": "https://tickets.example/SEC-1?a=1&b=<2>",
        },
        is_private=False,  # seen by whoever is signed in
    )
    html = page(signed_in, incident)
    assert '<span class="tag tag-type">Security</span>' in html
    assert "<dt>Data exposed</dt><dd>Customer</dd>" in html
    assert "<dt>Regions</dt><dd>EU, US</dd>" in html
    assert 'href="https://tickets.example/SEC-1?a=1&amp;b=&lt;2&gt;"' in html
    assert 'name="fields.records"' in html  # the form asks for what is not answered yet


def test_an_incident_without_a_type_can_be_given_one_when_types_exist(signed_in):
    customer_type()
    incident = declare()
    html = page(signed_in, incident)
    assert 'id="type"' in html and "<dd>None</dd>" in html
    url = reverse("web:type", args=[incident.pk])
    response = signed_in.post(url, {"type": "customer", "shown_type": ""})
    assert response.status_code == 302 and response.url.endswith("#type")
    incident.refresh_from_db()
    assert incident.type.slug == "customer"
    assert field_values_of(incident) == {"tier": "Standard"}  # the new type's defaults
    entry = TimelineEvent.objects.filter(incident=incident, kind="field").latest("id")
    assert (
        entry.text == "Type changed to Customer-facing; Customer tier set to Standard (on the web)"
    )


def test_the_form_changes_answers_and_shows_refusals_by_their_field(signed_in):
    security_type()
    incident = declare(incident_type="security", fields={"data_exposed": "None"}, is_private=False)
    url = reverse("web:type", args=[incident.pk])
    answers = {
        "type": "security",
        "shown_type": "security",
        "fields.data_exposed": "Internal",
        "fields.regions": ["US", "APAC"],
        "fields.records": "twelve",
    }
    refused = signed_in.post(url, answers)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Records affected must be a number, not “twelve”." in html
    assert '<details class="edit-times" open>' in html
    assert field_values_of(incident) == {"data_exposed": "None", "regions": ["EU"]}

    answers["fields.records"] = "12"
    assert signed_in.post(url, answers).status_code == 302
    assert field_values_of(incident) == {
        "data_exposed": "Internal",
        "regions": ["US", "APAC"],
        "records": 12,
    }


def test_a_new_type_with_a_required_field_shows_its_fields_to_answer(signed_in):
    customer_type()
    security_type()
    incident = declare(incident_type="customer", fields={"note": "VIP"})
    url = reverse("web:type", args=[incident.pk])
    # The customer fields were shown; security chosen: its fields start from their defaults.
    refused = signed_in.post(
        url, {"type": "security", "shown_type": "customer", "fields.note": "VIP"}
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Data exposed is required." in html
    assert 'name="fields.data_exposed"' in html and 'name="shown_type" value="security"' in html
    ok = signed_in.post(
        url, {"type": "security", "shown_type": "security", "fields.data_exposed": "None"}
    )
    assert ok.status_code == 302
    assert field_values_of(incident) == {"data_exposed": "None"}  # regions cleared as posted


def test_the_writeup_and_its_markdown_show_the_answers(signed_in):
    customer_type()
    incident = declare(incident_type="customer", fields={"note": "Acme | Widgets"})
    html = signed_in.get(reverse("web:writeup", args=[incident.pk])).content.decode()
    assert "<dt>Type</dt><dd>Customer-facing</dd>" in html
    assert "<dt>Support note</dt><dd>Acme | Widgets</dd>" in html
    markdown = signed_in.get(reverse("web:writeup_markdown", args=[incident.pk])).content.decode()
    assert "| Type | Customer-facing |" in markdown
    assert "| Customer tier | Standard |" in markdown
    assert "| Support note | Acme \\| Widgets |" in markdown


def test_the_list_filters_by_type(signed_in):
    customer_type()
    security_type()
    declare("Customer one", incident_type="customer")
    declare(
        "Security one",
        incident_type="security",
        fields={"data_exposed": "None"},
        is_private=False,
    )
    declare("Plain one")
    listed = reverse("web:incidents")
    html = signed_in.get(listed, {"type": "customer"}).content.decode()
    assert "Customer one" in html and "Security one" not in html and "Plain one" not in html
    html = signed_in.get(listed, {"type": "none"}).content.decode()
    assert "Plain one" in html and "Customer one" not in html
    html = signed_in.get(listed).content.decode()
    assert '<span class="tag tag-type" title="Type">Security</span>' in html


def test_a_typed_incident_page_costs_a_few_queries_more(signed_in):
    customer_type()
    plain, typed = declare("plain"), declare("typed", incident_type="customer")
    page(signed_in, plain)

    def count(incident):
        with CaptureQueriesContext(connection) as ctx:
            page(signed_in, incident)
        return len(ctx.captured_queries)

    # Both read the types (for the form, as types exist); a typed one its answers and its
    # type's fields too, whatever their number.
    assert count(typed) == count(plain) + 2
    verbs.set_type_and_fields(typed, fields={"note": "x"})
    assert count(typed) == count(plain) + 2


# --- Declaring on the web -------------------------------------------------------------------------

DECLARE = "/incidents/declare/"


def declare_form(client) -> dict:
    """What the declare page posts as it is first shown (its one-time dedup key included)."""
    html = client.get(DECLARE).content.decode()
    key = re.search(r'name="dedup_key" value="([^"]+)"', html).group(1)
    return {"title": "Keys leaked", "dedup_key": key}


def test_the_declare_page_asks_for_a_type_only_when_there_are_types(signed_in):
    assert 'id="declare-type"' not in signed_in.get(DECLARE).content.decode()
    security_type()
    html = signed_in.get(DECLARE).content.decode()
    assert 'id="declare-type"' in html
    assert 'hx-get="/incidents/declare/type-fields/"' in html


def test_choosing_a_type_swaps_in_its_fields_with_their_defaults(signed_in):
    security_type()
    html = signed_in.get("/incidents/declare/type-fields/", {"type": "security"}).content.decode()
    assert 'name="shown_type" value="security"' in html
    assert 'name="fields.data_exposed"' in html
    assert re.search(r'value="EU"[^>]*checked', html)  # the default region
    assert 'id="id_is_private" checked hx-swap-oob="true"' in html  # private by default


def test_declaring_with_a_type_and_its_answers(signed_in):
    customer_type()
    posted = declare_form(signed_in) | {
        "type": "customer",
        "shown_type": "customer",
        "fields.tier": "Gold",
        "fields.note": "Acme",
    }
    response = signed_in.post(DECLARE, posted)
    assert response.status_code == 302, response.content.decode()[:2000]
    incident = Incident.objects.get()
    assert incident.type.slug == "customer" and not incident.is_private
    assert field_values_of(incident) == {"tier": "Gold", "note": "Acme"}


def test_without_javascript_a_type_chosen_shows_its_questions_before_declaring(signed_in):
    security_type()
    posted = declare_form(signed_in) | {"type": "security", "shown_type": ""}
    asked = signed_in.post(DECLARE, posted)
    assert asked.status_code == 200 and not Incident.objects.exists()
    html = asked.content.decode()
    assert 'name="shown_type" value="security"' in html and 'name="fields.data_exposed"' in html
    assert 'id="id_is_private" checked' in html  # the type's default

    posted |= {"shown_type": "security", "is_private": "on"}
    refused = signed_in.post(DECLARE, posted)
    assert refused.status_code == 400 and "Data exposed is required." in refused.content.decode()
    posted |= {"fields.data_exposed": "None", "fields.records": "many"}
    refused = signed_in.post(DECLARE, posted)
    assert "Records affected must be a number, not “many”." in refused.content.decode()
    posted["fields.records"] = "3"
    assert signed_in.post(DECLARE, posted).status_code == 302
    incident = Incident.objects.get()
    assert incident.is_private and field_values_of(incident) == {
        "data_exposed": "None",
        "records": 3,
    }
