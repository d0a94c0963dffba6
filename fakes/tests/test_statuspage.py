"""The local Statuspage: its API over real HTTP, as Response's jobs call it, and its public page."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from fakes.statuspage import FakeStatuspage


@pytest.fixture
def statuspage():
    with FakeStatuspage(api_key="secret", page_id="page1") as service:
        yield service


def call(statuspage: FakeStatuspage, method: str, path: str, body: Any = None, key="secret"):
    request = urllib.request.Request(
        f"{statuspage.api_url}/pages/page1{path}",
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"OAuth {key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_a_wrong_key_is_refused(statuspage):
    assert call(statuspage, "GET", "/components", key="wrong")[0] == 401


def test_components_are_listed(statuspage):
    api = statuspage.add_component("API")
    status, components = call(statuspage, "GET", "/components")
    assert status == 200 and [c["id"] for c in components] == [api["id"]]


def test_an_incident_is_created_then_updated_with_its_components(statuspage):
    api = statuspage.add_component("API")
    status, created = call(
        statuspage,
        "POST",
        "/incidents",
        {
            "incident": {
                "name": "Checkout errors",
                "status": "investigating",
                "body": "We are looking into it",
                "components": {api["id"]: "major_outage"},
                "component_ids": [api["id"]],
                "metadata": {"response": {"incident_id": "7"}},
            }
        },
    )
    assert status == 201 and created["shortlink"].startswith(statuspage.url)
    assert created["impact"] == "critical" and statuspage.components[api["id"]]["status"] == (
        "major_outage"
    )
    status, updated = call(
        statuspage,
        "PATCH",
        f"/incidents/{created['id']}",
        {
            "incident": {
                "status": "resolved",
                "body": "Fixed",
                "components": {api["id"]: "operational"},
            }
        },
    )
    assert status == 200 and updated["status"] == "resolved" and updated["resolved_at"]
    assert [u["body"] for u in updated["incident_updates"]] == ["Fixed", "We are looking into it"]
    assert call(statuspage, "GET", "/incidents/unresolved")[1] == []
    assert [i["id"] for i in call(statuspage, "GET", "/incidents?q=looking")[1]] == [created["id"]]


def test_what_statuspage_would_refuse_is_a_422_with_its_words(statuspage):
    status, body = call(statuspage, "POST", "/incidents", {"incident": {"name": ""}})
    assert status == 422 and body == {"error": ["Name can't be blank"]}
    status, body = call(
        statuspage, "POST", "/incidents", {"incident": {"name": "x", "components": {"nope": "x"}}}
    )
    assert status == 422 and "nope" in body["error"][0]
    assert statuspage.incidents == {}


def test_the_public_page_lists_incidents_and_components(statuspage):
    statuspage.add_component("Payments <API>")
    call(statuspage, "POST", "/incidents", {"incident": {"name": "Slow & sad", "body": "Hmm"}})
    with urllib.request.urlopen(f"{statuspage.url}/", timeout=5) as response:
        assert response.headers["Content-Type"].startswith("text/html")
        page = response.read().decode()
    assert "Payments &lt;API&gt;: operational" in page and "Slow &amp; sad" in page


def test_answers_to_creates_can_be_lost_while_other_calls_are_answered(statuspage):
    statuspage.lose_answers("POST")
    assert call(statuspage, "GET", "/incidents/unresolved") == (200, [])
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        call(statuspage, "POST", "/incidents", {"incident": {"name": "x"}})
    assert len(statuspage.incidents) == 1
    assert call(statuspage, "POST", "/incidents", {"incident": {"name": "y"}})[0] == 201
