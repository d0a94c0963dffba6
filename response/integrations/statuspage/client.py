"""Statuspage's REST API (v1), one function per call, through the integrations' HTTP client (a
5xx, a 429 or no answer is the engine's `Retry`; another 4xx is `Refused` with its words)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings

from response.integrations.http import call_json

REMOTE = "statuspage"
Json = dict[str, Any]


def _call(method: str, path: str, *, json: Any = None, query: dict | None = None) -> Any:
    page = quote(settings.STATUSPAGE_PAGE_ID, safe="")
    url = f"{settings.STATUSPAGE_API_URL}/pages/{page}{path}"
    if query:
        url += "?" + urlencode(query)
    headers = {"Authorization": f"OAuth {settings.STATUSPAGE_API_KEY}"}
    return call_json(method, url, remote=REMOTE, json=json, headers=headers).body


def list_components() -> list[Json]:
    return list(_call("GET", "/components") or [])


def unresolved_incidents() -> list[Json]:
    return list(_call("GET", "/incidents/unresolved") or [])


def recent_incidents(limit: int = 100) -> list[Json]:
    return list(_call("GET", "/incidents", query={"limit": limit}) or [])


def get_incident(incident_id: str) -> Json:
    return dict(_call("GET", f"/incidents/{quote(incident_id, safe='')}") or {})


def create_incident(fields: Json) -> Json:
    return dict(_call("POST", "/incidents", json={"incident": fields}) or {})


def update_incident(incident_id: str, fields: Json) -> Json:
    path = f"/incidents/{quote(incident_id, safe='')}"
    return dict(_call("PATCH", path, json={"incident": fields}) or {})
