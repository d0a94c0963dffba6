"""A fake PagerDuty: the REST API v2 that Response uses, and signed v3 webhooks back.

    pagerduty = FakePagerDuty(token="t0ken").start()
    payments = pagerduty.add_service("Payments", on_call=["Dana Scully"])
    pagerduty.webhook_url = f"{server}/integrations/pagerduty/webhook"
    ...
    pagerduty.acknowledge(incident_id, by="Dana Scully")   # sends incident.acknowledged, signed

REST (authorised by `Authorization: Token token=…`): `GET /services`, `GET /oncalls`,
`GET /incidents?incident_key=…`, `POST /incidents` (an open incident with the same
`incident_key` on the service is refused with a 400, as PagerDuty does), `PUT /incidents/{id}`
(a status change is told to the webhook too, from another thread, as PagerDuty would).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fakes.service import FakeService, Reply, Request

DEDUP_REFUSAL = "Open incident with matching dedup key already exists on this service"


def signature(body: bytes, secret: str) -> str:
    """PagerDuty's `X-PagerDuty-Signature` value for a body."""
    return "v1=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class OnCallService:
    id: str
    name: str
    policy_id: str
    on_call: list[str] = field(default_factory=list)


@dataclass
class FakeIncident:
    id: str
    number: int
    title: str
    service_id: str
    urgency: str
    incident_key: str
    details: str
    status: str = "triggered"

    def html_url(self, base: str) -> str:
        return f"{base}/incidents/{self.id}"


class FakePagerDuty(FakeService):
    def __init__(
        self,
        *,
        token: str = "fake-pagerduty-token",
        webhook_url: str = "",
        webhook_secret: str = "fake-webhook-secret",
        acknowledge_after: float | None = None,
        incident_prefix: str = "PINC",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(host=host, port=port)
        self.token = token
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        # The demo's touch: someone acknowledges each new page this many seconds later.
        self.acknowledge_after = acknowledge_after
        self.incident_prefix = incident_prefix
        self.services: dict[str, OnCallService] = {}
        self.incidents: dict[str, FakeIncident] = {}
        self.webhooks: list[tuple[int, dict[str, Any]]] = []  # (status answered, payload) sent
        self._numbers = itertools.count(1)
        self.route("GET", "/abilities", self.list_abilities)
        self.route("GET", "/services", self.list_services)
        self.route("GET", "/oncalls", self.list_oncalls)
        self.route("GET", "/incidents", self.list_incidents)
        self.route("POST", "/incidents", self.create_incident)
        self.route("PUT", "/incidents/{id}", self.update_incident)

    # -- seeding ----------------------------------------------------------------------------

    def add_service(self, name: str, *, on_call: list[str] | None = None) -> str:
        with self.lock:
            number = len(self.services) + 1
            service = OnCallService(f"PSVC{number:03}", name, f"PPOL{number:03}", on_call or [])
            self.services[service.id] = service
            return service.id

    # -- REST -------------------------------------------------------------------------------

    def _refused_auth(self, request: Request) -> Reply | None:
        if request.header("Authorization") != f"Token token={self.token}":
            return Reply(401, {"error": {"message": "Unauthorized", "code": 2006}})
        return None

    def list_abilities(self, request: Request) -> Reply:
        return self._refused_auth(request) or Reply(200, {"abilities": ["teams", "urgencies"]})

    def list_services(self, request: Request) -> Reply:
        if refused := self._refused_auth(request):
            return refused
        with self.lock:
            services = [
                {
                    "id": s.id,
                    "type": "service",
                    "name": s.name,
                    "summary": s.name,
                    "status": "active",
                    "html_url": f"{self.url}/service-directory/{s.id}",
                    "escalation_policy": {"id": s.policy_id, "type": "escalation_policy_reference"},
                }
                for s in self.services.values()
            ]
        return Reply(200, _paged("services", services, request))

    def list_oncalls(self, request: Request) -> Reply:
        if refused := self._refused_auth(request):
            return refused
        with self.lock:
            oncalls = [
                {
                    "escalation_policy": {"id": s.policy_id, "summary": f"{s.name} policy"},
                    "escalation_level": 1,
                    "user": {"id": f"PUSR{abs(hash(name)) % 10000:04}", "summary": name},
                }
                for s in self.services.values()
                for name in s.on_call
            ]
        return Reply(200, _paged("oncalls", oncalls, request))

    def list_incidents(self, request: Request) -> Reply:
        if refused := self._refused_auth(request):
            return refused
        key = request.arg("incident_key")
        with self.lock:
            found = [
                self._incident_json(i)
                for i in self.incidents.values()
                if not key or i.incident_key == key
            ]
        return Reply(200, _paged("incidents", found, request))

    def create_incident(self, request: Request) -> Reply:
        if refused := self._refused_auth(request):
            return refused
        if not request.header("From"):
            return Reply(400, {"error": {"message": "Requester User Not Found", "code": 2100}})
        wanted = (request.json() or {}).get("incident") or {}
        service_id = (wanted.get("service") or {}).get("id", "")
        key = wanted.get("incident_key") or uuid.uuid4().hex
        with self.lock:
            if service_id not in self.services:
                return Reply(
                    400,
                    {
                        "error": {
                            "message": "Invalid Input Provided",
                            "code": 2001,
                            "errors": ["Service not found"],
                        }
                    },
                )
            if any(
                i.incident_key == key and i.service_id == service_id and i.status != "resolved"
                for i in self.incidents.values()
            ):
                return Reply(
                    400,
                    {
                        "error": {
                            "message": "Invalid Input Provided",
                            "code": 2001,
                            "errors": [DEDUP_REFUSAL],
                        }
                    },
                )
            number = next(self._numbers)
            incident = FakeIncident(
                id=f"{self.incident_prefix}{number:04}",
                number=number,
                title=str(wanted.get("title", "")),
                service_id=service_id,
                urgency=str(wanted.get("urgency", "high")),
                incident_key=key,
                details=str((wanted.get("body") or {}).get("details", "")),
            )
            self.incidents[incident.id] = incident
            answer = self._incident_json(incident)
        if self.acknowledge_after is not None:
            on_call = self.services[service_id].on_call
            by = on_call[0] if on_call else "the on-call"
            timer = threading.Timer(
                self.acknowledge_after, self.acknowledge, (incident.id,), {"by": by}
            )
            timer.daemon = True
            timer.start()
        return Reply(201, {"incident": answer})

    def update_incident(self, request: Request) -> Reply:
        if refused := self._refused_auth(request):
            return refused
        wanted = (request.json() or {}).get("incident") or {}
        with self.lock:
            incident = self.incidents.get(request.params["id"])
            if incident is None:
                return Reply(404, {"error": {"message": "Not Found", "code": 2100}})
            status = wanted.get("status")
            changed = status in ("acknowledged", "resolved") and status != incident.status
            if changed:
                incident.status = str(status)
            answer = self._incident_json(incident)
        if changed:
            threading.Thread(
                target=self._tell, args=(incident, f"incident.{status}", "the API"), daemon=True
            ).start()
        return Reply(200, {"incident": answer})

    # -- what people do in PagerDuty, told by a signed webhook -------------------------------

    def acknowledge(self, incident_id: str, *, by: str = "Dana Scully") -> int:
        return self._change(incident_id, "acknowledged", by)

    def resolve(self, incident_id: str, *, by: str = "Dana Scully") -> int:
        return self._change(incident_id, "resolved", by)

    def _change(self, incident_id: str, status: str, by: str) -> int:
        with self.lock:
            incident = self.incidents[incident_id]
            incident.status = status
        return self._tell(incident, f"incident.{status}", by)

    def _tell(self, incident: FakeIncident, event_type: str, by: str) -> int:
        payload = {
            "event": {
                "id": uuid.uuid4().hex.upper()[:26],
                "event_type": event_type,
                "resource_type": "incident",
                "occurred_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "agent": {"id": "PUSR0001", "type": "user_reference", "summary": by},
                "client": None,
                "data": self._incident_json(incident),
            }
        }
        return self.send_webhook(payload)

    def send_webhook(self, payload: dict[str, Any], *, secret: str | None = None) -> int:
        """POST a v3 webhook (again, for a redelivery), signed with `secret` (default: ours)."""
        if not self.webhook_url:
            return 0
        body = json.dumps(payload).encode()
        headers = {
            "X-PagerDuty-Signature": signature(body, secret or self.webhook_secret),
            "X-Webhook-Id": uuid.uuid4().hex,
            "User-Agent": "PagerDuty-Webhook/V3.0",
        }
        status, _ = self.post_raw(self.webhook_url, body, headers)
        with self.lock:
            self.webhooks.append((status, payload))
        return status

    @staticmethod
    def post_raw(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status), bytes(response.read())
        except urllib.error.HTTPError as error:
            return int(error.code), bytes(error.read())

    def _incident_json(self, incident: FakeIncident) -> dict[str, Any]:
        service = self.services[incident.service_id]
        return {
            "id": incident.id,
            "type": "incident",
            "number": incident.number,
            "title": incident.title,
            "status": incident.status,
            "urgency": incident.urgency,
            "incident_key": incident.incident_key,
            "html_url": incident.html_url(self.url),
            "service": {"id": service.id, "type": "service_reference", "summary": service.name},
        }


def _paged(name: str, items: list[dict[str, Any]], request: Request) -> dict[str, Any]:
    offset = int(request.arg("offset", "0") or 0)
    limit = int(request.arg("limit", "25") or 25)
    page = items[offset : offset + limit]
    return {
        name: page,
        "offset": offset,
        "limit": limit,
        "more": offset + limit < len(items),
        "total": len(items),
    }
