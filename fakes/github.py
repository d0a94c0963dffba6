"""A fake GitHub: as much of the Issues REST API as Response uses, and its signed webhooks.

- ``POST /repos/{owner}/{repo}/issues``: open an issue (a bearer token that may write);
- ``GET /repos/{owner}/{repo}/issues?state=all&since=…``: the repository's issues, newest first;
- ``GET /repos/{owner}/{repo}/issues/{number}``;
- ``GET /repos/{owner}/{repo}``;
- ``GET /search/issues?q=repo:o/r "text"``: issues whose title or body contains the text.

``close(number)`` and ``reopen(number)`` act as a person would on github.com and send the
``issues`` webhook (``X-GitHub-Event``, ``X-GitHub-Delivery``, ``X-Hub-Signature-256:
sha256=<hex>``) to ``webhook_url``; ``redeliver()`` sends a delivery again, as GitHub's
"Redeliver" button does (same delivery id).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fakes.service import FakeService, Reply, Request


@dataclass
class Issue:
    number: int
    repository: str
    title: str
    body: str
    labels: list[str]
    state: str
    created_at: str
    updated_at: str

    def as_json(self, base_url: str) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "body": self.body,
            "state": self.state,
            "labels": [{"name": name} for name in self.labels],
            "html_url": f"https://github.com/{self.repository}/issues/{self.number}",
            "url": f"{base_url}/repos/{self.repository}/issues/{self.number}",
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True)
class Delivery:
    id: str
    event: str
    payload: dict[str, Any]


def sign(secret: str, body: bytes) -> str:
    """GitHub's ``X-Hub-Signature-256``: ``sha256=`` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeGitHub(FakeService):
    def __init__(
        self,
        *,
        token: str = "ghp-token",
        repositories: tuple[str, ...] = ("acme/ops",),
        webhook_url: str = "",
        webhook_secret: str = "",
    ) -> None:
        super().__init__()
        self.token = token
        self.repositories = set(repositories)
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.issues: dict[tuple[str, int], Issue] = {}
        self.deliveries: list[Delivery] = []
        self.route("GET", "/repos/{owner}/{repo}", self.get_repository)
        self.route("POST", "/repos/{owner}/{repo}/issues", self.create_issue)
        self.route("GET", "/repos/{owner}/{repo}/issues", self.list_issues)
        self.route("GET", "/repos/{owner}/{repo}/issues/{number}", self.get_issue)
        self.route("GET", "/search/issues", self.search)

    # -- the API ----------------------------------------------------------------------------

    def _refusal(self, request: Request) -> Reply | None:
        if request.header("Authorization") not in (f"Bearer {self.token}", f"token {self.token}"):
            return Reply(401, {"message": "Bad credentials"})
        if "owner" in request.params:
            repository = f"{request.params['owner']}/{request.params['repo']}"
            if repository not in self.repositories:
                return Reply(404, {"message": "Not Found"})
        return None

    def get_repository(self, request: Request) -> Reply:
        if refusal := self._refusal(request):
            return refusal
        return Reply(200, {"full_name": f"{request.params['owner']}/{request.params['repo']}"})

    def create_issue(self, request: Request) -> Reply:
        if refusal := self._refusal(request):
            return refusal
        data = request.json() or {}
        if not data.get("title"):
            return Reply(422, {"message": "Validation Failed", "errors": [{"field": "title"}]})
        repository = f"{request.params['owner']}/{request.params['repo']}"
        with self.lock:
            number = 1 + max((n for (r, n) in self.issues if r == repository), default=0)
            now = _now()
            issue = Issue(
                number=number,
                repository=repository,
                title=str(data["title"]),
                body=str(data.get("body") or ""),
                labels=[str(label) for label in data.get("labels") or []],
                state="open",
                created_at=now,
                updated_at=now,
            )
            self.issues[(repository, number)] = issue
            return Reply(201, issue.as_json(self.url))

    def list_issues(self, request: Request) -> Reply:
        if refusal := self._refusal(request):
            return refusal
        repository = f"{request.params['owner']}/{request.params['repo']}"
        state = request.arg("state", "open")
        since = request.arg("since")
        with self.lock:
            found = [
                issue.as_json(self.url)
                for (r, _), issue in sorted(self.issues.items(), key=lambda i: -i[0][1])
                if r == repository
                and (state == "all" or issue.state == state)
                and (not since or issue.updated_at >= since)
            ]
        return Reply(200, found[: int(request.arg("per_page", "30"))])

    def get_issue(self, request: Request) -> Reply:
        if refusal := self._refusal(request):
            return refusal
        repository = f"{request.params['owner']}/{request.params['repo']}"
        with self.lock:
            issue = self.issues.get((repository, int(request.params["number"])))
            if issue is None:
                return Reply(404, {"message": "Not Found"})
            return Reply(200, issue.as_json(self.url))

    def search(self, request: Request) -> Reply:
        if refusal := self._refusal(request):
            return refusal
        query = request.arg("q")
        repository = re.search(r"repo:(\S+)", query)
        phrase = re.search(r'"([^"]+)"', query)
        with self.lock:
            items = [
                issue.as_json(self.url)
                for issue in self.issues.values()
                if (repository is None or issue.repository == repository.group(1))
                and (phrase is None or phrase.group(1) in f"{issue.title}\n{issue.body}")
            ]
        return Reply(200, {"total_count": len(items), "incomplete_results": False, "items": items})

    # -- what people do on github.com ---------------------------------------------------------

    def close(self, number: int, *, repository: str = "", notify: bool = True) -> Delivery:
        return self._move(number, "closed", repository=repository, notify=notify)

    def reopen(self, number: int, *, repository: str = "", notify: bool = True) -> Delivery:
        return self._move(number, "reopened", repository=repository, notify=notify)

    def _move(self, number: int, action: str, *, repository: str, notify: bool) -> Delivery:
        repository = repository or sorted(self.repositories)[0]
        with self.lock:
            issue = self.issues[(repository, number)]
            issue.state = "closed" if action == "closed" else "open"
            issue.updated_at = _now()
            payload = {
                "action": action,
                "issue": issue.as_json(self.url),
                "repository": {"full_name": repository},
                "sender": {"login": "octocat"},
            }
            delivery = Delivery(id=str(uuid.uuid4()), event="issues", payload=payload)
            self.deliveries.append(delivery)
        if notify and self.webhook_url:
            self.deliver(delivery)
        return delivery

    def deliver(self, delivery: Delivery, *, secret: str | None = None) -> tuple[int, bytes]:
        """POST the delivery as GitHub does, signed with ``secret`` (default: the configured)."""
        body = json.dumps(delivery.payload).encode()
        headers = {
            "X-GitHub-Event": delivery.event,
            "X-GitHub-Delivery": delivery.id,
            "X-Hub-Signature-256": sign(self.webhook_secret if secret is None else secret, body),
            "User-Agent": "GitHub-Hookshot/fake",
        }
        return self.post_json(self.webhook_url, delivery.payload, headers)

    def redeliver(self, index: int = -1) -> tuple[int, bytes]:
        return self.deliver(self.deliveries[index])
