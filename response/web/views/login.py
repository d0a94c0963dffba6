"""The login page: Sign in with Slack when it is set up, the password form unless switched off."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


def slack_signin_offered() -> bool:
    return bool(settings.SLACK_CLIENT_ID and settings.SLACK_CLIENT_SECRET)


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True
    next_page = "web:incidents"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.RESPONSE_PASSWORD_LOGIN:
            raise Http404("Password sign-in is switched off.")
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {
            "slack_signin": slack_signin_offered(),
            "password_login": settings.RESPONSE_PASSWORD_LOGIN,
        }


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's own password form, unless password sign-in is switched off: then the login
    page, which comes back to the admin (`next`) after Sign in with Slack."""
    if settings.RESPONSE_PASSWORD_LOGIN:
        return admin.site.login(request)
    query = request.META.get("QUERY_STRING", "")
    return redirect(reverse("web:login") + (f"?{query}" if query else ""))
