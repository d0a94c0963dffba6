"""POST /slack/events: Events API callbacks, slash commands and interactivity, one URL."""

from __future__ import annotations

import json
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from slack_bolt.adapter.django import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier

from response.slack.app import get_app
from response.slack.inbound.validation import malformed_reason
from response.slack.middleware import record


@cache
def _handler() -> SlackRequestHandler:
    return SlackRequestHandler(get_app())


@csrf_exempt
@require_POST
def slack_events(request: HttpRequest) -> HttpResponse:
    if not (settings.SLACK_SIGNING_SECRET and settings.SLACK_BOT_TOKEN):
        return JsonResponse(
            {"error": "Slack is not configured: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN."},
            status=503,
        )
    try:
        request.body.decode("utf-8")
    except UnicodeDecodeError:
        return JsonResponse({"error": "malformed request body: not UTF-8"}, status=400)
    verifier = SignatureVerifier(settings.SLACK_SIGNING_SECRET)
    if not verifier.is_valid_request(request.body, dict(request.headers)):
        return JsonResponse({"error": "invalid or missing signature"}, status=401)
    if problem := malformed_reason(request.content_type, request.body):
        return JsonResponse({"error": f"malformed request body: {problem}"}, status=400)
    if request.content_type == "application/json":
        # Events API callbacks: verified, so record and queue them and answer, without Bolt.
        # Bolt sees them on the worker, when the stored event is replayed through the app.
        body = json.loads(request.body)
        if body.get("type") == "event_callback":
            record(body)
            return HttpResponse(status=200)
    return _handler().handle(request)


def reset() -> None:
    """Forget the app built from the current settings (tests change them)."""
    _handler.cache_clear()
    get_app.cache_clear()
