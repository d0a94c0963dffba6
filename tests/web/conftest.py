import pytest
from django.contrib.auth import get_user_model
from django.test import Client


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("alex", "alex@example.com", "correct horse")


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("sam", "sam@example.com", "pw", is_staff=True)


@pytest.fixture
def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


from tests.web.signin import signin_slack  # noqa: E402, F401  (the Sign in with Slack fixture)
