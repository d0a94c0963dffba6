"""GitHub Issues (REST API): the issue we open, how we find it again, whether it is closed.

Called only from the work engine's jobs (response.integrations.trackers.jobs), through
`response.integrations.http`: GitHub down or rate-limiting is a `Retry`, a refusal a `Refused`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from response.integrations.http import Refused, call_json
from response.integrations.trackers.issues import (
    ActionData,
    Issue,
    details,
    marker,
    origin,
    summary,
)

logger = logging.getLogger(__name__)

REMOTE = "github"
PAGE_SIZE = 100
# An issue created by an earlier attempt was created after the job was queued; the clocks of
# GitHub and of our worker may disagree a little.
CLOCK_SKEW = timedelta(minutes=5)


def issue_key(repository: str, number: int) -> str:
    return f"{repository}#{number}"


def number_of(key: str) -> int:
    return int(key.rsplit("#", 1)[1])


def marker_line(action_id: int) -> str:
    """Invisible on github.com, kept in the body the API returns."""
    return f"<!-- {marker(action_id)} -->"


def escape_markdown(text: str) -> str:
    """Keep people's text from mentioning (@team) or closing (#12) anything on GitHub."""
    return text.replace("@", "@\u200b").replace("<", "&lt;")


def body(action: ActionData) -> str:
    lines = [
        escape_markdown(action.text),
        "",
        f"[{escape_markdown(origin(action))}]({action.incident_url})",
    ]
    if extra := details(action):
        lines += ["", *(escape_markdown(line) for line in extra)]
    lines += ["", marker_line(action.id)]
    return "\n".join(lines)


def issue_payload(action: ActionData) -> dict[str, Any]:
    return {"title": summary(action.text), "body": body(action)}


# --- Calls ----------------------------------------------------------------------------------


def _headers() -> dict[str, str]:
    return {
        "Authorization": f"Bearer {settings.GITHUB_TOKEN}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    }


def _repository_url() -> str:
    return f"{settings.GITHUB_API_URL}/repos/{settings.GITHUB_REPOSITORY}"


def _issue(data: dict[str, Any]) -> Issue:
    return Issue(
        key=issue_key(settings.GITHUB_REPOSITORY, int(data["number"])), url=str(data["html_url"])
    )


def probe() -> None:
    """Whether GitHub answers (the engine's sweep asks while exports wait for it)."""
    call_json("GET", _repository_url(), remote=REMOTE, headers=_headers())


def find_issue(action_id: int, *, created_after: datetime) -> Issue | None:
    """The issue an earlier attempt opened for this action, found by the marker in its body.
    The repository's own list (not the search API, which lags behind by seconds to minutes),
    of the issues changed since the export was asked for."""
    since = (created_after - CLOCK_SKEW).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    query = urlencode({"state": "all", "since": since, "per_page": PAGE_SIZE, "sort": "created"})
    answer = call_json(
        "GET", f"{_repository_url()}/issues?{query}", remote=REMOTE, headers=_headers()
    )
    wanted = marker_line(action_id)
    for data in answer.body or []:
        if wanted in (data.get("body") or "") and "pull_request" not in data:
            return _issue(data)
    return None


def create_issue(action: ActionData) -> Issue:
    answer = call_json(
        "POST",
        f"{_repository_url()}/issues",
        remote=REMOTE,
        json=issue_payload(action),
        headers=_headers(),
    )
    return _issue(answer.body)


def closed_among(keys: Iterable[str]) -> set[str]:
    """Which of these issues (of the configured repository) are closed on GitHub."""
    closed = set()
    for key in keys:
        if not key.startswith(f"{settings.GITHUB_REPOSITORY}#"):
            continue  # exported to a repository we no longer use
        try:
            answer = call_json(
                "GET",
                f"{_repository_url()}/issues/{number_of(key)}",
                remote=REMOTE,
                headers=_headers(),
            )
        except Refused as refused:  # deleted (410) or moved away (404): nothing to learn
            logger.warning("GitHub issue %s cannot be read: %s", key, refused)
            continue
        if (answer.body or {}).get("state") == "closed":
            closed.add(key)
    return closed
