"""Who may see a private incident."""

import pytest
from django.contrib.auth import get_user_model

from response.core.selectors import visible_incidents
from tests.factories import ExternalUserFactory, declare

pytestmark = pytest.mark.django_db


def make_user(name, **extra):
    return get_user_model().objects.create_user(name, f"{name}@example.com", "pw", **extra)


def test_private_incidents_are_seen_by_staff_and_the_people_involved():
    public = declare("Public")
    lead_account = ExternalUserFactory()
    private = declare("Private", is_private=True, lead=lead_account)
    lead_user = make_user("lead")
    lead_account.user = lead_user
    lead_account.save()

    assert set(visible_incidents(make_user("someone"))) == {public}
    assert set(visible_incidents(make_user("boss", is_staff=True))) == {public, private}
    assert set(visible_incidents(lead_user)) == {public, private}
    assert set(visible_incidents(None)) == {public}


def test_whoever_declared_it_from_the_web_sees_it_without_a_chat_account():
    author = make_user("author")
    from response.core import verbs

    private = verbs.declare_incident(title="Quiet one", is_private=True, by=author)
    assert private in visible_incidents(author)
    assert private not in visible_incidents(make_user("other"))
