"""Every page asks for sign-in, except the health check and the sign-in page itself."""

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from tests.factories import declare

PUBLIC = {"health", "login", "home"}  # "home" only redirects to the list, which asks


def web_urls(incident_pk: int) -> list[tuple[str, str]]:
    resolver = get_resolver()
    web = next(p for p in resolver.url_patterns if getattr(p, "namespace", None) == "web")
    urls = []
    for pattern in web.url_patterns:
        assert isinstance(pattern, URLPattern)
        kwargs = {name: incident_pk if name == "pk" else 1 for name in pattern.pattern.converters}
        urls.append((pattern.name, reverse(f"web:{pattern.name}", kwargs=kwargs)))
    return urls


@pytest.mark.django_db
def test_every_page_and_action_requires_sign_in():
    incident = declare()
    client = Client()
    checked = 0
    for name, url in web_urls(incident.pk):
        if name in PUBLIC:
            continue
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (302, 405), (name, method, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("web:login")), name
        checked += 1
    assert checked >= 15
    incident.refresh_from_db()
    assert incident.timeline_events.count() == 1  # nothing was written


@pytest.mark.django_db
def test_health_answers_without_sign_in():
    assert Client().get("/health").json() == {"status": "ok"}


def test_sign_in_and_out(user):
    client = Client()
    page = client.get(reverse("web:login"))
    assert page.status_code == 200
    assert b'name="username"' in page.content and b"<label" in page.content
    wrong = client.post(reverse("web:login"), {"username": "alex", "password": "nope"})
    assert wrong.status_code == 200 and b'role="alert"' in wrong.content
    right = client.post(reverse("web:login"), {"username": "alex", "password": "correct horse"})
    assert right.status_code == 302 and right["Location"] == reverse("web:incidents")
    assert client.get(reverse("web:incidents")).status_code == 200
    out = client.post(reverse("web:logout"))
    assert out.status_code == 302
    assert client.get(reverse("web:incidents")).status_code == 302


def test_sign_in_returns_to_the_page_asked_for(user):
    incident = declare()
    client = Client()
    url = reverse("web:incident", args=[incident.pk])
    asked = client.get(url)
    assert asked.status_code == 302
    done = client.post(
        asked["Location"], {"username": "alex", "password": "correct horse", "next": url}
    )
    assert done["Location"] == url
