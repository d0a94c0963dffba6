"""Where a change was asked for: the changes a request makes say so on the timeline and in the
chat ("Status set to Identified by Dana on the web")."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext

from django.http import HttpRequest, HttpResponse

from response.core.events import Origin, changes_from

# Paths whose requests change incidents on nobody's behalf but the chat's, or not at all.
NOT_PEOPLE = ("/slack/", "/auth/", "/integrations/", "/metrics", "/healthz", "/readyz", "/static/")


def origin_of(path: str) -> Origin | None:
    if path.startswith("/api/"):
        return Origin.API
    if path.startswith("/admin/"):
        return Origin.ADMIN
    if path.startswith(NOT_PEOPLE):
        return None
    return Origin.WEB


class ChangeOriginMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        origin = origin_of(request.path)
        with changes_from(origin) if origin else nullcontext():
            return self.get_response(request)
