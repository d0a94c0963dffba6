from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from response.api.tokens import create_api_token
from tests.factories import ExternalUserFactory


class ApiClient(Client):
    """A test client that sends JSON bodies and a bearer token."""

    def __init__(self, token: str | None = None, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        super().__init__(headers=headers, **kwargs)

    def post(self, path, data=None, **kwargs):
        kwargs.setdefault("content_type", "application/json")
        return super().post(path, data if data is not None else {}, **kwargs)

    def patch(self, path, data=None, **kwargs):
        kwargs.setdefault("content_type", "application/json")
        return super().patch(path, data if data is not None else {}, **kwargs)


@pytest.fixture
def staff_user(db):
    return get_user_model().objects.create_user("boss", "boss@example.com", is_staff=True)


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("alice", "alice@example.com")


@pytest.fixture
def chat_user(user):
    """Alice's Slack account, linked to her Response account."""
    return ExternalUserFactory(user=user, display_name="alice")


@pytest.fixture
def other_user(db):
    return get_user_model().objects.create_user("bob", "bob@example.com")


@pytest.fixture
def api(user):
    _, token = create_api_token(user, name="tests")
    return ApiClient(token)


@pytest.fixture
def staff_api(staff_user):
    _, token = create_api_token(staff_user, name="tests")
    return ApiClient(token)


@pytest.fixture
def other_api(other_user):
    _, token = create_api_token(other_user, name="tests")
    return ApiClient(token)


@pytest.fixture
def read_only_api(user):
    _, token = create_api_token(user, name="dashboards", read_only=True)
    return ApiClient(token)


@pytest.fixture
def anonymous():
    return ApiClient()
