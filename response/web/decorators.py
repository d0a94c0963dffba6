from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from response.core.errors import NotFound
from response.web.timezones import viewer_time_zone


class SignedInRequest(HttpRequest):
    """The request a page view receives: `page` lets only signed-in people through."""

    user: User


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Every web page: signed in, and rendered in the viewer's time zone. A verb's NotFound (the
    row was removed by someone else after the page found it) is a 404, like a missing row."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        with timezone.override(viewer_time_zone(request)):
            try:
                return view(request, *args, **kwargs)
            except NotFound as error:
                raise Http404(error.message) from error

    return login_required(wrapper)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
