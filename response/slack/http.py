"""POST /slack/events: Events API callbacks, slash commands and interactivity, one URL."""

from __future__ import annotations

import json
import re
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from slack_bolt.adapter.django import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier

from response.observability.context import handling_delivery
from response.observability.metrics import SLACK_ACK_SECONDS, SLACK_DELIVERIES
from response.slack.app import forget, get_app
from response.slack.inbound.validation import malformed_reason
from response.slack.inbox import RefusedDelivery
from response.slack.middleware import delivery_key, delivery_type, record
from response.slack.outbound.identity import forget_identity
from response.slack.people import forget_people
from response.slack.selectors import forget_channels


@csrf_exempt
@require_POST
def slack_events(request: HttpRequest) -> HttpResponse:
    started = time.perf_counter()
    response = _answer(request)
    kind = "event" if request.content_type == "application/json" else "interaction"
    SLACK_ACK_SECONDS.labels(kind).observe(time.perf_counter() - started)
    return response


def _answer(request: HttpRequest) -> HttpResponse:
    if not (settings.SLACK_SIGNING_SECRET and settings.SLACK_BOT_TOKEN):
        return JsonResponse(
            {"error": "Slack is not configured: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN."},
            status=503,
        )
    try:
        request.body.decode("utf-8")
    except UnicodeDecodeError:
        SLACK_DELIVERIES.labels("unknown", "malformed").inc()
        return JsonResponse({"error": "malformed request body: not UTF-8"}, status=400)
    if not _signed(request):
        SLACK_DELIVERIES.labels("unknown", "unsigned").inc()
        return JsonResponse({"error": "invalid or missing signature"}, status=401)
    if problem := malformed_reason(request.content_type, request.body):
        SLACK_DELIVERIES.labels("unknown", "malformed").inc()
        return JsonResponse({"error": f"malformed request body: {problem}"}, status=400)
    if request.content_type == "application/json":
        # Events API callbacks: verified, so record them as jobs and answer, without Bolt.
        body = json.loads(request.body)
        if body.get("type") == "event_callback":
            try:
                with handling_delivery(delivery_key(body)):
                    record(body)
            except RefusedDelivery as refused:
                SLACK_DELIVERIES.labels(delivery_type(body), "refused").inc()
                return JsonResponse({"error": f"refused: {refused}"}, status=400)
            return HttpResponse(status=200)
    return _handler().handle(request)


# What Slack sends: seconds since the epoch, and "v0=" and a SHA-256 in hex. Anything else (a
# header missing, sent twice, so joined with a comma, or not a number) is not signed by Slack;
# slack_sdk's verifier would raise on some of it (int("abc")) rather than say no.
TIMESTAMP = re.compile(r"[0-9]{1,12}")
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


def _signed(request: HttpRequest) -> bool:
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    signature = request.headers.get("X-Slack-Signature", "")
    if not (TIMESTAMP.fullmatch(timestamp) and SIGNATURE.fullmatch(signature)):
        return False
    verifier = SignatureVerifier(settings.SLACK_SIGNING_SECRET)
    return verifier.is_valid(request.body, timestamp, signature)


_current: tuple[object, SlackRequestHandler] | None = None


def _handler() -> SlackRequestHandler:
    global _current
    app = get_app()
    if _current is None or _current[0] is not app:
        _current = (app, SlackRequestHandler(app))
    return _current[1]


def reset() -> None:
    """Forget what was built from the current settings (tests change them)."""
    forget()
    forget_identity()
    forget_channels()
    forget_people()
