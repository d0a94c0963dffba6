"""Authentication and permissions: tokens, the browser session, CSRF, read-only tokens."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from response.api.models import ApiToken
from response.api.tokens import create_api_token, digest_of, revoke_api_token
from response.api.urls import api as ninja_api
from tests.api.conftest import ApiClient
from tests.factories import declare


def _operations():
    schema = ninja_api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method in methods:
            yield (
                method,
                path.replace("{incident_id}", "1")
                .replace("{action_id}", "1")
                .replace("{event_id}", "1")
                .replace("{user_id}", "1"),
            )


OPERATIONS = sorted(_operations())


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_operation_refuses_anonymous_requests(anonymous, method, path):
    response = getattr(anonymous, method)(path)
    assert response.status_code == 401
    assert response.json()["message"].startswith("Authentication required")
    assert response["WWW-Authenticate"] == 'Bearer realm="response"'


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header", ["Bearer nope", "Bearer rsp_wrong", "Token rsp_x", "Bearer ", "Basic abc"]
)
def test_bad_tokens_are_refused(header):
    response = Client(headers={"Authorization": header}).get("/api/incidents")
    assert response.status_code == 401


def test_tokens_are_stored_as_digests_only(user):
    row, token = create_api_token(user, name="ci")
    assert token.startswith("rsp_") and len(token) > 40
    assert row.prefix == token[:12]
    assert row.digest == digest_of(token)
    stored = ApiToken.objects.filter(pk=row.pk).values()[0]
    assert token not in {str(v) for v in stored.values()}


def test_a_revoked_token_stops_working(user):
    row, token = create_api_token(user, name="ci")
    assert ApiClient(token).get("/api/incidents").status_code == 200
    revoke_api_token(row)
    assert ApiClient(token).get("/api/incidents").status_code == 401


def test_an_expired_token_stops_working(user):
    _, token = create_api_token(user, name="ci", expires_at=timezone.now() - timedelta(seconds=1))
    assert ApiClient(token).get("/api/incidents").status_code == 401


def test_a_deactivated_users_token_stops_working(user):
    _, token = create_api_token(user, name="ci")
    user.is_active = False
    user.save()
    assert ApiClient(token).get("/api/incidents").status_code == 401


def test_last_used_is_recorded_at_most_once_a_minute(user, time_machine):
    time_machine.move_to("2026-03-01 10:00:00Z", tick=False)
    row, token = create_api_token(user, name="ci")
    assert row.last_used_at is None
    client = ApiClient(token)
    client.get("/api/incidents")
    row.refresh_from_db()
    first = row.last_used_at
    assert first == timezone.now()
    time_machine.move_to("2026-03-01 10:00:30Z", tick=False)
    client.get("/api/incidents")
    row.refresh_from_db()
    assert row.last_used_at == first
    time_machine.move_to("2026-03-01 10:01:30Z", tick=False)
    client.get("/api/incidents")
    row.refresh_from_db()
    assert row.last_used_at == timezone.now()


def test_the_session_of_the_web_ui_authenticates(user):
    client = Client()
    client.force_login(user)
    assert client.get("/api/incidents").status_code == 200


def test_session_writes_need_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    refused = client.post("/api/incidents", {"title": "No CSRF"}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["message"] == "CSRF check Failed"

    client.get("/api/docs")  # any page that sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/incidents",
        {"title": "With CSRF"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert accepted.status_code == 201


def test_token_requests_need_no_csrf_token(user):
    _, token = create_api_token(user, name="ci")
    client = ApiClient(token, enforce_csrf_checks=True)
    assert client.post("/api/incidents", {"title": "From an alert"}).status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/incidents", {"title": "x"}),
        ("patch", "/api/incidents/{id}", {"title": "y"}),
        ("post", "/api/incidents/{id}/resolve", {}),
        ("post", "/api/incidents/{id}/reopen", {}),
        ("post", "/api/incidents/{id}/updates", {"text": "still broken"}),
        ("post", "/api/incidents/{id}/actions", {"text": "fix it"}),
        ("post", "/api/incidents/{id}/timeline", {"text": "a note"}),
    ],
)
def test_a_read_only_token_cannot_write(read_only_api, method, path, body):
    incident = declare()
    response = getattr(read_only_api, method)(path.format(id=incident.pk), body)
    assert response.status_code == 403
    assert "read-only" in response.json()["message"]
    assert read_only_api.get(f"/api/incidents/{incident.pk}").status_code == 200


def test_create_api_token_command_prints_a_working_token(user):
    out = StringIO()
    call_command("create_api_token", "alice", "--name", "grafana", "--read-only", stdout=out)
    token = out.getvalue().strip()
    row = ApiToken.objects.get(digest=digest_of(token))
    assert (row.user, row.name, row.read_only) == (user, "grafana", True)
    assert ApiClient(token).get("/api/incidents").status_code == 200

    call_command("create_api_token", "alice", "--revoke", row.prefix, stdout=StringIO())
    assert ApiClient(token).get("/api/incidents").status_code == 401


def test_create_api_token_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="no user called 'nobody'"):
        call_command("create_api_token", "nobody", stdout=StringIO())


def test_tokens_are_created_in_the_admin_and_shown_once(staff_user, user):
    staff_user.is_superuser = True
    staff_user.save()
    client = Client()
    client.force_login(staff_user)
    response = client.post(
        "/admin/api/apitoken/add/",
        {"user": user.pk, "name": "warehouse", "expires_at_0": "", "expires_at_1": ""},
        follow=True,
    )
    assert response.status_code == 200
    message = next(str(m) for m in response.context["messages"])
    token = message.split("The new API token is ")[1].split(" ")[0]
    row = ApiToken.objects.get()
    assert (row.user, row.name, row.digest) == (user, "warehouse", digest_of(token))
    assert ApiClient(token).get("/api/incidents").status_code == 200

    client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [row.pk]},
        follow=True,
    )
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert ApiClient(token).get("/api/incidents").status_code == 401
