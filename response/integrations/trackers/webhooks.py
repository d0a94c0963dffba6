"""Following an issue's state from the tracker's webhooks: closed there, done here; reopened
there, not done here. Database work only (it runs in the webhook's request)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from response.core import verbs
from response.core.models import Action
from response.integrations.trackers import github, jira
from response.integrations.trackers.models import WebhookDelivery


def follow_issue(*, tracker: str, key: str, done: bool, delivery_id: str = "") -> str:
    """Mark the action exported as `key` done (or not done); what happened, in a word. A
    delivery seen before changes nothing."""
    with transaction.atomic():
        if delivery_id:
            try:
                with transaction.atomic():
                    WebhookDelivery.objects.create(source=tracker, delivery_id=delivery_id)
            except IntegrityError:
                return "redelivered"
        action = Action.objects.filter(tracker=tracker, tracker_key=key).first()
        if action is None:
            return "unknown issue"
        if action.done == done:
            return "unchanged"
        verbs.complete_action(action, done=done)
        return "done" if done else "reopened"


def github_change(event: str, payload: dict[str, Any]) -> tuple[str, bool] | None:
    """(issue key, done) for an `issues` delivery that closes or reopens an issue; else None."""
    if event != "issues" or payload.get("action") not in ("closed", "reopened"):
        return None
    repository = (payload.get("repository") or {}).get("full_name")
    number = (payload.get("issue") or {}).get("number")
    if not repository or not isinstance(number, int):
        return None
    return github.issue_key(repository, number), payload["action"] == "closed"


def jira_change(payload: dict[str, Any]) -> tuple[str, bool] | None:
    """(issue key, done) for a `jira:issue_updated` delivery that changed the issue's status."""
    if payload.get("webhookEvent") != "jira:issue_updated":
        return None
    issue = payload.get("issue") or {}
    items = (payload.get("changelog") or {}).get("items") or []
    if not issue.get("key") or not any(item.get("field") == "status" for item in items):
        return None
    return str(issue["key"]), jira.is_done(issue)
