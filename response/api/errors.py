"""One error shape for every failure: {"message": ..., "field": ..., "extra": {...}}.

The domain raises `ResponseError` subclasses; django-ninja raises its own for authentication,
request validation and unparsable bodies. Each maps to one status code here, and nowhere else.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from response.core.errors import Conflict, InvalidInput, NotFound, ResponseError


class Forbidden(ResponseError):
    """Authenticated, but not allowed to do this (a read-only token writing, say)."""


STATUS_BY_ERROR: dict[type[ResponseError], int] = {
    InvalidInput: 400,
    Forbidden: 403,
    NotFound: 404,  # also a row another request removed a moment ago
    Conflict: 409,  # an impossible transition, or another request changed the row first
}
DEFAULT_STATUS = 400


class ErrorOut(Schema):
    message: str
    field: str | None = None
    extra: dict[str, Any] = {}


ERRORS = {code: ErrorOut for code in (400, 401, 403, 404)}
ERRORS_WRITE = {**ERRORS, 409: ErrorOut}


def status_for(exc: ResponseError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return DEFAULT_STATUS


def _error(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    message: str,
    field: str | None = None,
    extra: dict | None = None,
) -> HttpResponse:
    body = {"message": message, "field": field, "extra": extra or {}}
    return api.create_response(request, body, status=status)


def _field_of(loc: list | tuple) -> str | None:
    """The input field at fault. Every input is flat, so it is the last name in the location:
    ("body", "payload", "title") -> "title"; ("query", "filters", "status", 0) -> "status"."""
    names = [p for p in loc if isinstance(p, str) and p.replace("-", "_").isidentifier()]
    names = [n for n in names if n not in ("body", "query", "path", "header", "payload")]
    return names[-1] if names else None


def install_error_handlers(api: NinjaAPI) -> None:
    def response_error(request: HttpRequest, exc: ResponseError) -> HttpResponse:
        return _error(api, request, status_for(exc), exc.message, exc.field, exc.extra)

    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"field": _field_of(e.get("loc", ())), "message": str(e.get("msg", ""))}
            for e in exc.errors
        ]
        first = errors[0] if errors else {"field": None, "message": "Invalid input."}
        message = (
            f"{first['field']}: {first['message']}" if first["field"] else str(first["message"])
        )
        return _error(api, request, 400, message, first["field"], {"errors": errors})

    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = _error(
            api,
            request,
            401,
            "Authentication required: send “Authorization: Bearer <token>” with an API token, "
            "or sign in to the web UI.",
        )
        response["WWW-Authenticate"] = 'Bearer realm="response"'
        return response

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return _error(api, request, exc.status_code, str(exc))

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _error(api, request, 404, "Not found.")

    # django-ninja's annotation asks for a handler of `E | type[E]`; these take the instance.
    api.add_exception_handler(ResponseError, response_error)  # type: ignore[arg-type]
    api.add_exception_handler(ValidationError, validation_error)  # type: ignore[arg-type]
    api.add_exception_handler(AuthenticationError, authentication_error)  # type: ignore[arg-type]
    api.add_exception_handler(HttpError, http_error)  # type: ignore[arg-type]
    api.add_exception_handler(Http404, not_found)  # type: ignore[arg-type]
