"""The webhook receivers: check the source's token, read the payload, record each alert, answer.
The answer waits for nothing remote: Slack hears of it from jobs done after the commit."""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from response.core.errors import ResponseError
from response.integrations.alerts.models import Source
from response.integrations.alerts.parsers import (
    BadPayload,
    ParsedAlert,
    parse_alertmanager,
    parse_generic,
    parse_grafana,
)
from response.integrations.alerts.record import record_alert

Parser = Callable[[object], list[ParsedAlert]]

PARSERS: dict[str, Parser] = {
    Source.ALERTMANAGER: parse_alertmanager,
    Source.GRAFANA: parse_grafana,
    Source.GENERIC: parse_generic,
}


def token_of(source: str) -> str:
    """The source's token, read when asked (tests and a reload may change the settings)."""
    tokens: dict[str, str] = {
        Source.ALERTMANAGER: settings.ALERTS_ALERTMANAGER_TOKEN,
        Source.GRAFANA: settings.ALERTS_GRAFANA_TOKEN,
        Source.GENERIC: settings.ALERTS_GENERIC_TOKEN,
    }
    return tokens[source]


def bearer_matches(request: HttpRequest, token: str) -> bool:
    """`Authorization: Bearer <token>`, compared in constant time."""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


def receiver(source: str) -> Callable[[HttpRequest], JsonResponse]:
    @csrf_exempt
    @require_POST
    def receive(request: HttpRequest) -> JsonResponse:
        token = token_of(source)
        if not token:
            return JsonResponse({"error": f"the {source} receiver is not switched on"}, status=404)
        if not bearer_matches(request, token):
            return JsonResponse({"error": "a valid bearer token is required"}, status=401)
        try:
            payload = json.loads(request.body)
            alerts = PARSERS[source](payload)
        except (ValueError, UnicodeDecodeError) as error:  # BadPayload is a ValueError
            reason = str(error) if isinstance(error, BadPayload) else "the body is not JSON"
            return JsonResponse({"error": reason}, status=400)
        try:
            with transaction.atomic(durable=True):
                outcomes = [record_alert(source, alert) for alert in alerts]
        except ResponseError as error:
            return JsonResponse({"error": error.message}, status=400)
        return JsonResponse(
            {
                "alerts": [
                    {"fingerprint": o.fingerprint, "incident": o.incident_id, "opened": o.opened}
                    for o in outcomes
                ]
            }
        )

    receive.__name__ = f"receive_{source}"
    return receive
