"""A fake Jira Cloud: as much of REST API v3 as Response uses, and its signed webhooks.

- ``POST /rest/api/3/issue``: create an issue (basic auth; the project must exist);
- ``GET /rest/api/3/search/jql?jql=…``: the issues matching ``labels = "x"``,
  ``labels in (x, y)`` or ``key in (A-1, A-2)`` (joined with ``AND``, with ``project = X``);
- ``GET /rest/api/3/issue/{key}``, ``GET /rest/api/3/myself``.

``close(key)`` and ``reopen(key)`` move an issue as a person would in Jira, and send the
``jira:issue_updated`` webhook, signed (``X-Hub-Signature: sha256=<hex>``), to ``webhook_url``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from typing import Any

from fakes.service import FakeService, Reply, Request

DONE = {"name": "Done", "statusCategory": {"key": "done", "name": "Done"}}
TO_DO = {"name": "To Do", "statusCategory": {"key": "new", "name": "To Do"}}


@dataclass
class Issue:
    id: str
    key: str
    project: str
    summary: str
    description: Any
    issue_type: str
    labels: list[str]
    status: dict[str, Any] = field(default_factory=lambda: dict(TO_DO))

    def as_json(self, base_url: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "key": self.key,
            "self": f"{base_url}/rest/api/3/issue/{self.id}",
            "fields": {
                "summary": self.summary,
                "description": self.description,
                "issuetype": {"name": self.issue_type},
                "project": {"key": self.project},
                "labels": list(self.labels),
                "status": self.status,
            },
        }


def sign(secret: str, body: bytes) -> str:
    """Jira's webhook signature: ``sha256=`` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class FakeJira(FakeService):
    def __init__(
        self,
        *,
        email: str = "bot@example.com",
        api_token: str = "jira-token",
        projects: tuple[str, ...] = ("OPS",),
        webhook_url: str = "",
        webhook_secret: str = "",
    ) -> None:
        super().__init__()
        self.email = email
        self.api_token = api_token
        self.projects = set(projects)
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.issues: dict[str, Issue] = {}
        self._numbers: dict[str, int] = {}
        self._ids = 10000
        self.route("POST", "/rest/api/3/issue", self.create_issue)
        self.route("GET", "/rest/api/3/search/jql", self.search)
        self.route("GET", "/rest/api/3/issue/{key}", self.get_issue)
        self.route("GET", "/rest/api/3/myself", self.myself)

    # -- the API ----------------------------------------------------------------------------

    def _authorised(self, request: Request) -> bool:
        expected = base64.b64encode(f"{self.email}:{self.api_token}".encode()).decode()
        return request.header("Authorization") == f"Basic {expected}"

    def create_issue(self, request: Request) -> Reply:
        if not self._authorised(request):
            return Reply(401, {"errorMessages": ["You are not authenticated."]})
        fields = (request.json() or {}).get("fields", {})
        project = (fields.get("project") or {}).get("key", "")
        if project not in self.projects:
            return Reply(
                400, {"errorMessages": [], "errors": {"project": "valid project is required"}}
            )
        if not fields.get("summary"):
            return Reply(400, {"errorMessages": [], "errors": {"summary": "Summary is required."}})
        description = fields.get("description")
        if description is not None and (
            not isinstance(description, dict) or description.get("type") != "doc"
        ):
            return Reply(400, {"errorMessages": ["Operation value must be an Atlassian Document"]})
        with self.lock:
            self._numbers[project] = self._numbers.get(project, 0) + 1
            self._ids += 1
            issue = Issue(
                id=str(self._ids),
                key=f"{project}-{self._numbers[project]}",
                project=project,
                summary=str(fields["summary"]),
                description=description,
                issue_type=(fields.get("issuetype") or {}).get("name", "Task"),
                labels=list(fields.get("labels") or []),
            )
            self.issues[issue.key] = issue
        return Reply(
            201,
            {"id": issue.id, "key": issue.key, "self": f"{self.url}/rest/api/3/issue/{issue.id}"},
        )

    def search(self, request: Request) -> Reply:
        if not self._authorised(request):
            return Reply(401, {"errorMessages": ["You are not authenticated."]})
        try:
            wanted = _parse_jql(request.arg("jql"))
        except ValueError as error:
            return Reply(400, {"errorMessages": [str(error)]})
        with self.lock:
            found = [issue for issue in self.issues.values() if wanted.matches(issue)]
            return Reply(200, {"issues": [issue.as_json(self.url) for issue in found]})

    def myself(self, request: Request) -> Reply:
        if not self._authorised(request):
            return Reply(401, {"errorMessages": ["You are not authenticated."]})
        return Reply(200, {"emailAddress": self.email, "active": True})

    def get_issue(self, request: Request) -> Reply:
        if not self._authorised(request):
            return Reply(401, {"errorMessages": ["You are not authenticated."]})
        with self.lock:
            issue = self.issues.get(request.params["key"])
            if issue is None:
                return Reply(404, {"errorMessages": ["Issue does not exist"]})
            return Reply(200, issue.as_json(self.url))

    # -- what people do in Jira ---------------------------------------------------------------

    def close(self, key: str, *, notify: bool = True) -> tuple[int, bytes] | None:
        """Move the issue to Done; with ``notify``, send the webhook (its answer returned)."""
        return self._move(key, DONE, notify=notify)

    def reopen(self, key: str, *, notify: bool = True) -> tuple[int, bytes] | None:
        return self._move(key, TO_DO, notify=notify)

    def _move(self, key: str, status: dict[str, Any], *, notify: bool) -> tuple[int, bytes] | None:
        with self.lock:
            issue = self.issues[key]
            before = issue.status
            issue.status = dict(status)
            payload = {
                "timestamp": 1700000000000,
                "webhookEvent": "jira:issue_updated",
                "issue_event_type_name": "issue_generic",
                "issue": issue.as_json(self.url),
                "changelog": {
                    "id": "1",
                    "items": [
                        {
                            "field": "status",
                            "fromString": before["name"],
                            "toString": status["name"],
                        }
                    ],
                },
            }
        if not notify or not self.webhook_url:
            return None
        return self.send_webhook(payload)

    def send_webhook(self, payload: Any, *, secret: str | None = None) -> tuple[int, bytes]:
        """POST a webhook as Jira does, signed with ``secret`` (default: the configured one)."""
        body = json.dumps(payload).encode()
        signature = sign(self.webhook_secret if secret is None else secret, body)
        return self.post_json(self.webhook_url, payload, {"X-Hub-Signature": signature})


_CLAUSE_LABEL = re.compile(r'^labels\s*=\s*"?([\w.-]+)"?$', re.IGNORECASE)
_CLAUSE_PROJECT = re.compile(r'^project\s*=\s*"?([\w-]+)"?$', re.IGNORECASE)
_CLAUSE_LABELS = re.compile(r"^labels\s+in\s*\(([^)]*)\)$", re.IGNORECASE)
_CLAUSE_KEYS = re.compile(r"^key\s+in\s*\(([^)]*)\)$", re.IGNORECASE)


@dataclass
class _Query:
    """The little JQL Response writes: every clause given must hold."""

    project: str | None = None
    any_label: set[str] | None = None
    keys: set[str] | None = None

    def matches(self, issue: Issue) -> bool:
        return (
            (self.project is None or issue.project == self.project)
            and (self.any_label is None or bool(self.any_label & set(issue.labels)))
            and (self.keys is None or issue.key in self.keys)
        )


def _names(listed: str) -> set[str]:
    return {name.strip().strip('"') for name in listed.split(",") if name.strip()}


def _parse_jql(jql: str) -> _Query:
    """ValueError for what the fake does not understand."""
    query = _Query()
    for clause in re.split(r"\s+AND\s+", jql.strip(), flags=re.IGNORECASE):
        clause = clause.strip()
        if match := _CLAUSE_LABEL.match(clause):
            query.any_label = {match.group(1)}
        elif match := _CLAUSE_PROJECT.match(clause):
            query.project = match.group(1)
        elif match := _CLAUSE_LABELS.match(clause):
            query.any_label = _names(match.group(1))
        elif match := _CLAUSE_KEYS.match(clause):
            query.keys = _names(match.group(1))
        else:
            raise ValueError(f"The fake does not understand the JQL clause {clause!r}")
    return query
