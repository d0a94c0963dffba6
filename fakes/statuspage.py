"""A local Atlassian Statuspage: as much of its REST API (v1) as Response uses, and the public page.

    with FakeStatuspage(api_key="key", page_id="page1") as statuspage:
        statuspage.add_component("API")
        ...  # STATUSPAGE_API_URL = statuspage.api_url

- ``GET  /v1/pages/{page}/components``
- ``GET  /v1/pages/{page}/incidents`` (``q``, ``limit``), ``.../incidents/unresolved``,
  ``.../incidents/{id}``
- ``POST /v1/pages/{page}/incidents``, ``PATCH .../incidents/{id}``: ``{"incident": {name, status,
  body, components: {id: status}, component_ids, metadata}}``; each creates an incident update,
  and moves the components it names.
- ``GET /``: the public page in plain HTML (incidents, newest first, and the components).

Requests need ``Authorization: OAuth <key>`` (401 otherwise); what Statuspage would refuse (no
name, an unknown status or component) is a 422 with its ``error``.
"""

from __future__ import annotations

import html
import itertools
import re
import secrets
from datetime import UTC, datetime
from typing import Any

from fakes.service import FakeService, Reply, Request

INCIDENT_STATUSES = ("investigating", "identified", "monitoring", "resolved")
COMPONENT_STATUSES = (
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
)
IMPACTS = {  # the worst component state an incident names, as the page's colour
    "operational": "none",
    "under_maintenance": "maintenance",
    "degraded_performance": "minor",
    "partial_outage": "major",
    "major_outage": "critical",
}
Json = dict[str, Any]


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


class FakeStatuspage(FakeService):
    def __init__(self, *, api_key: str = "", page_id: str = "page1", port: int = 0) -> None:
        super().__init__(port=port)
        self.api_key = api_key or "sp-" + secrets.token_hex(8)
        self.page_id = page_id
        self.components: dict[str, Json] = {}
        self.incidents: dict[str, Json] = {}  # in creation order
        self._ids = itertools.count(1)
        base = "/v1/pages/{page}"
        self.route("GET", f"{base}/components", self.list_components)
        self.route("GET", f"{base}/incidents", self.list_incidents)
        self.route("GET", f"{base}/incidents/unresolved", self.list_unresolved)
        self.route("GET", f"{base}/incidents/{{incident}}", self.show_incident)
        self.route("POST", f"{base}/incidents", self.create_incident)
        self.route("PATCH", f"{base}/incidents/{{incident}}", self.update_incident)
        self.route("GET", "/", self.public_page)
        self.route("GET", "/incidents/{incident}", self.public_page)  # the shortlinks

    @property
    def api_url(self) -> str:
        return f"{self.url}/v1"

    # -- set-up -----------------------------------------------------------------------------

    def add_component(self, name: str, status: str = "operational") -> Json:
        with self.lock:
            component_id = f"cmp{next(self._ids)}"
            component = {
                "id": component_id,
                "page_id": self.page_id,
                "name": name,
                "status": status,
                "position": len(self.components) + 1,
                "group": False,
                "group_id": None,
                "created_at": _now(),
                "updated_at": _now(),
            }
            self.components[component_id] = component
            return component

    def lose_answers(self, method: str, calls: int = 1) -> None:
        """Apply the next ``calls`` incident requests of ``method`` (POST: create, PATCH:
        update), then lose their answers; other requests (a search, a list of components
        another job makes meanwhile) are answered."""
        self.drop_answers(calls, method=method, path=r"/v1/pages/[^/]+/incidents")

    def snapshot(self) -> Json:
        """The page's components and incidents as JSON-ready data (the demo keeps them)."""
        with self.lock:
            return {
                "components": list(self.components.values()),
                "incidents": list(self.incidents.values()),
            }

    def restore(self, snapshot: Json) -> None:
        """Take back a snapshot; shortlinks follow this server's address, ids go on after it."""
        with self.lock:
            self.components = {c["id"]: c for c in snapshot.get("components") or []}
            self.incidents = {i["id"]: i for i in snapshot.get("incidents") or []}
            for incident in self.incidents.values():
                incident["shortlink"] = f"{self.url}/incidents/{incident['id']}"
            used = [
                int(found)
                for item in [*self.components, *self.incidents]
                for found in re.findall(r"\d+$", item)
            ]
            self._ids = itertools.count(max(used, default=0) + 1)

    # -- the API ----------------------------------------------------------------------------

    def _refusal(self, request: Request) -> Reply | None:
        if request.header("Authorization") != f"OAuth {self.api_key}":
            return Reply(401, {"error": "Could not authenticate"})
        if request.params.get("page") != self.page_id:
            return Reply(404, {"error": "Page not found"})
        return None

    def list_components(self, request: Request) -> Any:
        with self.lock:
            return self._refusal(request) or list(self.components.values())

    def list_incidents(self, request: Request) -> Any:
        if refused := self._refusal(request):
            return refused
        query = request.arg("q").lower()
        limit = int(request.arg("limit", "100") or 100)
        with self.lock:
            newest_first = list(reversed(self.incidents.values()))
            found = [i for i in newest_first if not query or query in _searchable(i)]
            return found[:limit]

    def list_unresolved(self, request: Request) -> Any:
        if refused := self._refusal(request):
            return refused
        with self.lock:
            return [i for i in reversed(self.incidents.values()) if i["status"] != "resolved"]

    def show_incident(self, request: Request) -> Any:
        if refused := self._refusal(request):
            return refused
        with self.lock:
            incident = self.incidents.get(request.params["incident"])
        return incident if incident is not None else Reply(404, {"error": "Incident not found"})

    def create_incident(self, request: Request) -> Reply:
        if refused := self._refusal(request):
            return refused
        fields = (request.json() or {}).get("incident") or {}
        if not str(fields.get("name") or "").strip():
            return Reply(422, {"error": ["Name can't be blank"]})
        with self.lock:
            if problem := self._check(fields):
                return Reply(422, {"error": [problem]})
            incident_id = f"inc{next(self._ids)}"
            incident: Json = {
                "id": incident_id,
                "page_id": self.page_id,
                "name": fields["name"],
                "status": fields.get("status") or "investigating",
                "impact": "none",
                "metadata": fields.get("metadata") or {},
                "shortlink": f"{self.url}/incidents/{incident_id}",
                "created_at": _now(),
                "updated_at": _now(),
                "resolved_at": None,
                "incident_updates": [],
                "components": [],
            }
            self.incidents[incident_id] = incident
            self._apply(incident, fields)
            return Reply(201, incident)

    def update_incident(self, request: Request) -> Reply:
        if refused := self._refusal(request):
            return refused
        fields = (request.json() or {}).get("incident") or {}
        with self.lock:
            incident = self.incidents.get(request.params["incident"])
            if incident is None:
                return Reply(404, {"error": "Incident not found"})
            if problem := self._check(fields):
                return Reply(422, {"error": [problem]})
            if fields.get("name"):
                incident["name"] = fields["name"]
            if fields.get("status"):
                incident["status"] = fields["status"]
            if "metadata" in fields:
                incident["metadata"] = fields["metadata"] or {}
            self._apply(incident, fields)
            return Reply(200, incident)

    def _check(self, fields: Json) -> str | None:
        status = fields.get("status")
        if status is not None and status not in INCIDENT_STATUSES:
            return f"Status is not included in the list ({status})"
        for component_id, state in (fields.get("components") or {}).items():
            if component_id not in self.components:
                return f"Component {component_id} not found"
            if state not in COMPONENT_STATUSES:
                return f"Component status is not included in the list ({state})"
        return None

    def _apply(self, incident: Json, fields: Json) -> None:
        """An incident update for this change; the components it names take their new states."""
        changes = []
        for component_id, state in (fields.get("components") or {}).items():
            component = self.components[component_id]
            changes.append(
                {
                    "code": component_id,
                    "name": component["name"],
                    "old_status": component["status"],
                    "new_status": state,
                }
            )
            component["status"] = state
            component["updated_at"] = _now()
        named = set(fields.get("component_ids") or []) | set(fields.get("components") or {})
        incident["components"] = [dict(self.components[c]) for c in sorted(named)] or incident[
            "components"
        ]
        worst = [IMPACTS[c["status"]] for c in incident["components"]]
        order = ["none", "maintenance", "minor", "major", "critical"]
        incident["impact"] = max(worst, key=order.index) if worst else incident["impact"]
        incident["incident_updates"].insert(  # newest first, as Statuspage lists them
            0,
            {
                "id": f"upd{next(self._ids)}",
                "incident_id": incident["id"],
                "status": incident["status"],
                "body": fields.get("body") or "",
                "affected_components": changes,
                "created_at": _now(),
                "display_at": _now(),
            },
        )
        incident["updated_at"] = _now()
        if incident["status"] == "resolved" and not incident["resolved_at"]:
            incident["resolved_at"] = _now()

    # -- the public page --------------------------------------------------------------------

    def public_page(self, request: Request) -> Reply:
        with self.lock:
            components = "".join(
                f"<li>{html.escape(c['name'])}: {html.escape(c['status'].replace('_', ' '))}</li>"
                for c in self.components.values()
            )
            incidents = "".join(_incident_html(i) for i in reversed(list(self.incidents.values())))
        page = (
            "<!doctype html><html><head><meta charset='utf-8'><title>Status</title></head><body>"
            f"<h1>System status</h1><h2>Components</h2><ul>{components}</ul>"
            f"<h2>Incidents</h2>{incidents or '<p>No incidents.</p>'}</body></html>"
        )
        return Reply(200, page.encode(), {"Content-Type": "text/html; charset=utf-8"})


def _searchable(incident: Json) -> str:
    bodies = " ".join(update["body"] for update in incident["incident_updates"])
    return f"{incident['name']} {incident['status']} {bodies}".lower()


def _incident_html(incident: Json) -> str:
    updates = "".join(
        f"<li><b>{html.escape(u['status'].title())}</b> — {html.escape(u['body'])}"
        f" <small>{html.escape(u['created_at'])}</small></li>"
        for u in incident["incident_updates"]
    )
    return (
        f"<section id='{html.escape(incident['id'])}'><h3>{html.escape(incident['name'])}"
        f" ({html.escape(incident['status'])})</h3><ul>{updates}</ul></section>"
    )
