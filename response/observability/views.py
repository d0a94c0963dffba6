"""GET /metrics, for Prometheus: only with the bearer token of RESPONSE_METRICS_TOKEN.

Without the setting the page does not exist (404): metrics name incidents' severities and the
work in flight, which is not for everyone who can reach the web UI.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from response.observability.metrics import REGISTRY


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    token = settings.RESPONSE_METRICS_TOKEN
    if not token:
        raise Http404("metrics are off: set RESPONSE_METRICS_TOKEN")
    if not _bearer_matches(request.headers.get("Authorization", ""), token):
        response = HttpResponse("a bearer token is required\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)


def _bearer_matches(header: str, token: str) -> bool:
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())
