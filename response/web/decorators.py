from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from response.web.timezones import viewer_time_zone


class SignedInRequest(HttpRequest):
    """The request a page view receives: `page` lets only signed-in people through."""

    user: User


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Every web page: signed in, and rendered in the viewer's time zone."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        with timezone.override(viewer_time_zone(request)):
            return view(request, *args, **kwargs)

    return login_required(wrapper)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
