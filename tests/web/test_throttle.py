"""Wrong passwords are slowed, then locked out, per username and per client address, on the
sign-in page and the admin's; the right password works again once the hold ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
LOCKED = "Too many failed sign-in attempts"

pytestmark = pytest.mark.django_db

PAGES = {"web": "web:login", "admin": "admin:login"}


@pytest.fixture(autouse=True)
def quick_hashing(settings):
    """A password check costs a second of a loaded CPU with the real hasher; these tests make
    dozens."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(quick_hashing):
    users = get_user_model().objects
    users.create_user("sam", "sam@example.com", "right password", is_staff=True)
    users.create_user("kim", "kim@example.com", "kims password", is_staff=True)


def sign_in(page: str, username: str, password: str, *, address: str = "198.51.100.7"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse(PAGES[page]), {"username": username, "password": password})
    return response, client


def signed_in(response) -> bool:
    return response.status_code == 302


@pytest.mark.parametrize("page", ["web", "admin"])
def test_after_five_failures_even_the_right_password_is_refused_until_the_lock_ends(
    page, people, time_machine
):
    time_machine.move_to(T0, tick=False)
    for attempt in range(5):
        time_machine.move_to(T0 + timedelta(minutes=attempt), tick=False)  # past each hold
        response, _ = sign_in(page, "sam", "wrong")
        assert not signed_in(response)
    response, _ = sign_in(page, "sam", "right password")
    assert not signed_in(response)
    assert LOCKED in response.content.decode()
    assert "Try again in 15 minutes" in response.content.decode()
    # From another address too: the username is locked.
    response, _ = sign_in(page, "sam", "right password", address="203.0.113.50")
    assert LOCKED in response.content.decode()

    time_machine.move_to(T0 + timedelta(minutes=4, seconds=901), tick=False)
    response, client = sign_in(page, "sam", "right password")
    assert signed_in(response)
    assert client.get(reverse("web:incidents")).status_code == 200


def test_failures_are_slowed_before_the_lock(people, time_machine):
    time_machine.move_to(T0, tick=False)
    for _ in range(2):
        assert "Please enter a correct" in sign_in("web", "sam", "wrong")[0].content.decode()
    sign_in("web", "sam", "wrong")  # the third: held for a second
    response, _ = sign_in("web", "sam", "right password")
    assert "Try again in 1 second." in response.content.decode()
    time_machine.move_to(T0 + timedelta(seconds=1), tick=False)
    sign_in("web", "sam", "wrong")  # the fourth: two seconds
    response, _ = sign_in("web", "sam", "right password")
    assert "Try again in 2 seconds." in response.content.decode()
    time_machine.move_to(T0 + timedelta(seconds=3), tick=False)
    assert signed_in(sign_in("web", "sam", "right password")[0])


def test_a_success_forgets_the_usernames_failures(people, time_machine):
    time_machine.move_to(T0, tick=False)
    for _ in range(2):
        sign_in("web", "sam", "wrong")
    assert signed_in(sign_in("web", "sam", "right password")[0])
    for _ in range(2):
        sign_in("web", "sam", "wrong")
    assert signed_in(sign_in("web", "sam", "right password")[0])


def test_one_address_guessing_many_usernames_is_locked_out(people, time_machine):
    time_machine.move_to(T0, tick=False)
    guesses = [f"user{n}" for n in range(20)]
    for minute, name in enumerate(guesses):
        time_machine.move_to(T0 + timedelta(minutes=minute, seconds=30), tick=False)
        sign_in("web", name, "password1", address="192.0.2.66")
    response, _ = sign_in("web", "kim", "kims password", address="192.0.2.66")
    assert LOCKED in response.content.decode()
    # Kim, elsewhere, is not affected.
    assert signed_in(sign_in("web", "kim", "kims password", address="198.51.100.8")[0])
