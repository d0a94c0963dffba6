"""POST /slack/events: Events API callbacks, slash commands and interactivity, one URL."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from slack_bolt.adapter.django import SlackRequestHandler

from response.slack.app import get_app


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
        return _handler().handle(request)
    except (ValueError, KeyError, TypeError, AttributeError):
        # A body that passed the signature check but is not a Slack payload we can read.
        return JsonResponse({"error": "malformed request body"}, status=400)


def reset() -> None:
    """Forget the app built from the current settings (tests change them)."""
    _handler.cache_clear()
    get_app.cache_clear()
