"""The fake Jira and the fake GitHub: what Response relies on, over real HTTP."""

from __future__ import annotations

import base64
import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from fakes.github import FakeGitHub
from fakes.github import sign as github_sign
from fakes.jira import FakeJira
from fakes.jira import sign as jira_sign


def call(method: str, url: str, headers: dict[str, str], body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


class Receiver:
    """A webhook receiver: records what it is sent."""

    def __init__(self) -> None:
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((self.headers, body))  # names in any case
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


def test_jira_creates_searches_and_signs_its_webhooks(receiver):
    with FakeJira(webhook_url=receiver.url, webhook_secret="s") as jira:
        auth = {
            "Authorization": "Basic " + base64.b64encode(b"bot@example.com:jira-token").decode()
        }
        fields = {
            "project": {"key": "OPS"},
            "summary": "Rotate it",
            "description": {"type": "doc", "version": 1, "content": []},
            "labels": ["response-action-1"],
        }
        status, created = call("POST", f"{jira.url}/rest/api/3/issue", auth, {"fields": fields})
        assert (status, created["key"]) == (201, "OPS-1")
        wrong = {**fields, "project": {"key": "NOPE"}}
        assert call("POST", f"{jira.url}/rest/api/3/issue", auth, {"fields": wrong})[0] == 400
        assert call("POST", f"{jira.url}/rest/api/3/issue", {}, {"fields": fields})[0] == 401
        jql = 'project = "OPS" AND labels = "response-action-1"'
        url = f"{jira.url}/rest/api/3/search/jql?" + urllib.parse.urlencode({"jql": jql})
        assert [i["key"] for i in call("GET", url, auth)[1]["issues"]] == ["OPS-1"]

        jira.close("OPS-1")
        [(headers, body)] = receiver.received
        assert headers["X-Hub-Signature"] == jira_sign("s", body)
        payload = json.loads(body)
        assert payload["webhookEvent"] == "jira:issue_updated"
        assert payload["issue"]["fields"]["status"]["statusCategory"]["key"] == "done"


def test_github_creates_lists_and_signs_its_webhooks(receiver):
    with FakeGitHub(webhook_url=receiver.url, webhook_secret="s") as github:
        auth = {"Authorization": "Bearer ghp-token"}
        status, issue = call(
            "POST", f"{github.url}/repos/acme/ops/issues", auth, {"title": "T", "body": "m-1"}
        )
        assert (status, issue["number"]) == (201, 1)
        assert call("POST", f"{github.url}/repos/acme/other/issues", auth, {"title": "T"})[0] == 404
        assert call("GET", f"{github.url}/repos/acme/ops/issues?state=all", {})[0] == 401
        listed = call("GET", f"{github.url}/repos/acme/ops/issues?state=all", auth)[1]
        assert [i["number"] for i in listed] == [1]
        found = call("GET", f"{github.url}/search/issues?q=repo:acme/ops+%22m-1%22", auth)[1]
        assert found["total_count"] == 1

        delivery = github.close(1)
        github.redeliver()
        first, second = receiver.received
        assert first[0]["X-GitHub-Delivery"] == second[0]["X-GitHub-Delivery"] == delivery.id
        assert first[0]["X-Hub-Signature-256"] == github_sign("s", first[1])
        assert json.loads(first[1])["action"] == "closed"
        assert call("GET", f"{github.url}/repos/acme/ops/issues/1", auth)[1]["state"] == "closed"
