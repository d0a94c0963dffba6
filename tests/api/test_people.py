"""Chat users (read-only; e-mail addresses for staff only) and severities."""

from __future__ import annotations

from tests.api.test_incidents import _count_queries, ids
from tests.factories import ExternalUserFactory


def test_users_hide_email_from_non_staff(api, staff_api):
    person = ExternalUserFactory(display_name="carol", email="carol@example.com")
    assert api.get(f"/api/users/{person.pk}").json()["email"] is None
    assert api.get("/api/users").json()["items"][0]["email"] is None
    assert staff_api.get(f"/api/users/{person.pk}").json()["email"] == "carol@example.com"
    assert staff_api.get("/api/users").json()["items"][0]["email"] == "carol@example.com"


def test_search_users(api):
    carol = ExternalUserFactory(display_name="carol", full_name="Carol Danvers")
    dave = ExternalUserFactory(display_name="dave", full_name="Dave Lister")
    assert ids(api.get("/api/users?q=danv")) == [carol.pk]
    assert ids(api.get(f"/api/users?q={dave.external_id}")) == [dave.pk]
    assert ids(api.get("/api/users")) == [carol.pk, dave.pk]


def test_users_are_read_only_and_missing_ones_404(api):
    person = ExternalUserFactory()
    assert api.patch(f"/api/users/{person.pk}", {}).status_code == 405
    missing = api.get("/api/users/999999")
    assert missing.status_code == 404
    assert missing.json()["field"] == "user_id"
    assert api.get("/api/users?q=%00").status_code == 400


def test_user_list_query_count_is_constant(api):
    ExternalUserFactory()
    few = _count_queries(api, "/api/users")
    ExternalUserFactory.create_batch(20)
    assert _count_queries(api, "/api/users") == few == 4


def test_severities_most_severe_first(api):
    body = api.get("/api/severities").json()
    assert [s["rank"] for s in body] == sorted(s["rank"] for s in body)
    assert body[0]["slug"] == "critical"
