"""The trackers' webhooks, at /integrations/trackers/github and /integrations/trackers/jira.
Each checks the signature (401 without a good one), reads the change, and calls one verb."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from response.core.models import Action
from response.integrations.trackers.signatures import is_signed
from response.integrations.trackers.webhooks import follow_issue, github_change, jira_change


def _payload(request: HttpRequest) -> dict | None:
    try:
        payload = json.loads(request.body)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def _refused() -> JsonResponse:
    return JsonResponse({"message": "The signature is missing or wrong."}, status=401)


@csrf_exempt
@require_POST
def github_webhook(request: HttpRequest) -> JsonResponse:
    body, header = request.body, request.headers.get("X-Hub-Signature-256")
    if not is_signed(settings.GITHUB_WEBHOOK_SECRET, body, header):
        return _refused()
    payload = _payload(request)
    if payload is None:
        return JsonResponse({"message": "The body is not a JSON object."}, status=400)
    change = github_change(request.headers.get("X-GitHub-Event", ""), payload)
    if change is None:
        return JsonResponse({"result": "ignored"})
    key, done = change
    result = follow_issue(
        tracker=Action.Tracker.GITHUB,
        key=key,
        done=done,
        delivery_id=request.headers.get("X-GitHub-Delivery", ""),
    )
    return JsonResponse({"result": result})


@csrf_exempt
@require_POST
def jira_webhook(request: HttpRequest) -> JsonResponse:
    if not is_signed(
        settings.JIRA_WEBHOOK_SECRET, request.body, request.headers.get("X-Hub-Signature")
    ):
        return _refused()
    payload = _payload(request)
    if payload is None:
        return JsonResponse({"message": "The body is not a JSON object."}, status=400)
    change = jira_change(payload)
    if change is None:
        return JsonResponse({"result": "ignored"})
    key, done = change
    result = follow_issue(
        tracker=Action.Tracker.JIRA,
        key=key,
        done=done,
        delivery_id=request.headers.get("X-Atlassian-Webhook-Identifier", ""),
    )
    return JsonResponse({"result": result})
