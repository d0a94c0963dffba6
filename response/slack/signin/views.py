"""The two pages of Sign in with Slack: out to Slack's authorize page, and back from it."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from response.slack.signin import accounts, flow
from response.slack.signin.oidc import SignInRefused, authorize_url

logger = logging.getLogger(__name__)
BACKEND = "django.contrib.auth.backends.ModelBackend"


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Off to Slack, with a fresh state and nonce kept in this browser's session."""
    if not flow.configured():
        raise Http404("Sign in with Slack is not set up.")
    try:
        team = accounts.workspace_id()
    except SignInRefused as refused:
        return _refused(request, refused)
    pending = flow.begin(request, next_url=_safe_next(request, request.GET.get("next", "")))
    return HttpResponseRedirect(
        authorize_url(
            settings.SLACK_API_URL,
            client_id=settings.SLACK_CLIENT_ID,
            redirect_uri=flow.redirect_uri(),
            state=pending.state,
            nonce=pending.nonce,
            team=team,
        )
    )


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """Back from Slack: the state checked and used up, the code exchanged, the person checked
    against the workspace, signed in as the user linked to their Slack account."""
    if not flow.configured():
        raise Http404("Sign in with Slack is not set up.")
    try:
        pending = flow.take(request, request.GET.get("state", ""))
        if request.GET.get("error"):
            return _cancelled(request, request.GET["error"])
        person = flow.person_for(request.GET.get("code", ""), pending)
        accounts.check_workspace(person)
        user = accounts.signed_in_user(person)
    except SignInRefused as refused:
        return _refused(request, refused)
    login(request, user, backend=BACKEND)
    logger.info("signed in with Slack: %s (%s) as user %s", person.user_id, person.team_id, user.pk)
    return redirect(pending.next_url)


def _safe_next(request: HttpRequest, next_url: str) -> str:
    """Only a page of this site: anything else would make the sign-in an open redirect."""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return reverse("web:incidents")


def _cancelled(request: HttpRequest, error: str) -> HttpResponse:
    if error == "access_denied":
        messages.info(request, "Sign in with Slack was cancelled.")
    else:
        messages.error(request, f"Slack could not sign you in ({error}).")
    return redirect("web:login")


def _refused(request: HttpRequest, refused: SignInRefused) -> HttpResponse:
    logger.info("Sign in with Slack refused: %s", refused)
    return render(
        request,
        "slack/signin_refused.html",
        {"title": refused.title, "advice": refused.advice},
        status=refused.status,
    )
