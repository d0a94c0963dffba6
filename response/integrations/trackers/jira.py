"""Jira Cloud (REST API v3): the issue we create, how we find it again, whether it is done.

Called only from the work engine's jobs (response.integrations.trackers.jobs), through
`response.integrations.http`: Jira down or rate-limiting is a `Retry`, a refusal a `Refused`.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from response.integrations.http import call_json
from response.integrations.trackers.issues import (
    ActionData,
    Issue,
    details,
    marker,
    origin,
    summary,
)

REMOTE = "jira"
SEARCH_LIMIT = 100  # Jira's largest page of /search/jql


# --- Atlassian Document Format (descriptions are documents, not text) -----------------------


def adf_text(text: str, *, link: str = "") -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": text}
    if link:
        node["marks"] = [{"type": "link", "attrs": {"href": link}}]
    return node


def adf_paragraph(*parts: dict[str, Any]) -> dict[str, Any]:
    return {"type": "paragraph", "content": [part for part in parts if part.get("text")]}


def adf_lines(text: str) -> list[dict[str, Any]]:
    """Text as paragraphs, one per line (ADF text nodes may not be empty: blank lines go)."""
    return [adf_paragraph(adf_text(line)) for line in text.splitlines() if line.strip()]


def adf_document(content: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "doc", "version": 1, "content": content}


def description(action: ActionData) -> dict[str, Any]:
    content = adf_lines(action.text)
    content.append(adf_paragraph(adf_text(origin(action), link=action.incident_url)))
    content.extend(adf_paragraph(adf_text(line)) for line in details(action))
    return adf_document(content)


def issue_fields(action: ActionData, *, project_key: str, issue_type: str) -> dict[str, Any]:
    return {
        "project": {"key": project_key},
        "issuetype": {"name": issue_type},
        "summary": summary(action.text),
        "description": description(action),
        "labels": ["response", marker(action.id)],
    }


def browse_url(base_url: str, key: str) -> str:
    return f"{base_url}/browse/{key}"


def is_done(issue: dict[str, Any]) -> bool:
    """Whether Jira counts the issue's status as done (whatever the workflow calls it)."""
    status = (issue.get("fields") or {}).get("status") or {}
    return (status.get("statusCategory") or {}).get("key") == "done"


# --- Calls ----------------------------------------------------------------------------------


def _headers() -> dict[str, str]:
    token = base64.b64encode(f"{settings.JIRA_EMAIL}:{settings.JIRA_API_TOKEN}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def _search(jql: str, *, fields: str) -> list[dict[str, Any]]:
    query = urlencode({"jql": jql, "fields": fields, "maxResults": SEARCH_LIMIT})
    answer = call_json(
        "GET",
        f"{settings.JIRA_URL}/rest/api/3/search/jql?{query}",
        remote=REMOTE,
        headers=_headers(),
    )
    return list((answer.body or {}).get("issues") or [])


def probe() -> None:
    """Whether Jira answers (the engine's sweep asks while exports wait for it)."""
    call_json("GET", f"{settings.JIRA_URL}/rest/api/3/myself", remote=REMOTE, headers=_headers())


def find_issue(action_id: int) -> Issue | None:
    """The issue an earlier attempt created for this action, found by its label."""
    jql = f'project = "{settings.JIRA_PROJECT_KEY}" AND labels = "{marker(action_id)}"'
    for issue in _search(jql, fields="status"):
        return Issue(key=issue["key"], url=browse_url(settings.JIRA_URL, issue["key"]))
    return None


def create_issue(action: ActionData) -> Issue:
    fields = issue_fields(
        action, project_key=settings.JIRA_PROJECT_KEY, issue_type=settings.JIRA_ISSUE_TYPE
    )
    answer = call_json(
        "POST",
        f"{settings.JIRA_URL}/rest/api/3/issue",
        remote=REMOTE,
        json={"fields": fields},
        headers=_headers(),
    )
    key = answer.body["key"]
    return Issue(key=key, url=browse_url(settings.JIRA_URL, key))


def done_among(action_ids: Iterable[int]) -> set[int]:
    """Which of these actions' issues are done in Jira. Asked by label, not by key: a key that
    no longer exists (an issue deleted or moved to another project) would fail the whole query."""
    ids = list(action_ids)
    done: set[int] = set()
    for start in range(0, len(ids), SEARCH_LIMIT):
        labels = {marker(action_id): action_id for action_id in ids[start : start + SEARCH_LIMIT]}
        jql = f'project = "{settings.JIRA_PROJECT_KEY}" AND labels in ({", ".join(labels)})'
        for issue in _search(jql, fields="status,labels"):
            if is_done(issue):
                done.update(
                    labels[label]
                    for label in (issue.get("fields") or {}).get("labels") or []
                    if label in labels
                )
    return done
