"""Types and their fields are made in the admin: a type with its fields inline; a definition
the rules would not accept is refused there, with the reason."""

import pytest

from response.core.models import CustomField, IncidentType

pytestmark = pytest.mark.django_db

ADD = "/admin/core/incidenttype/add/"


def posted(**field) -> dict:
    data = {
        "name": "Security",
        "slug": "security",
        "description": "",
        "private_by_default": "on",
        "order": "1",
        "fields-TOTAL_FORMS": "1",
        "fields-INITIAL_FORMS": "0",
        "fields-MIN_NUM_FORMS": "0",
        "fields-MAX_NUM_FORMS": "1000",
        "fields-0-label": "Regions",
        "fields-0-key": "regions",
        "fields-0-kind": "multi_select",
        "fields-0-order": "1",
        "fields-0-options": '["EU", "US"]',
        "fields-0-default": '["EU"]',
        "fields-0-help_text": "",
    }
    data.update({f"fields-0-{name}": value for name, value in field.items()})
    return data


def test_a_type_is_made_with_its_fields(admin_client):
    response = admin_client.post(ADD, posted())
    assert response.status_code == 302, response.content.decode()[:3000]
    kind = IncidentType.objects.get()
    assert kind.private_by_default
    field = CustomField.objects.get()
    assert (field.incident_type, field.options, field.default) == (kind, ["EU", "US"], ["EU"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"options": "[]"}, "A select needs at least one option."),
        ({"default": '["Mars"]'}, "Regions must be one of: EU, US (not “Mars”)."),
        ({"kind": "number", "options": "[]", "default": '"lots"'}, "must be a number"),
        ({"kind": "text", "default": "null"}, "Only selects have options."),
    ],
)
def test_a_definition_the_rules_refuse_is_refused_with_the_reason(admin_client, change, message):
    response = admin_client.post(ADD, posted(**change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not IncidentType.objects.exists()


def test_the_changelist_lists_the_types(admin_client):
    IncidentType.objects.create(name="Internal", slug="internal")
    assert "Internal" in admin_client.get("/admin/core/incidenttype/").content.decode()
