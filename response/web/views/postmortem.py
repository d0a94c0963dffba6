"""The post-mortem on the write-up page: start it, edit a section, give it an owner, move its
state. Each view parses a form and calls one core verb with by=request.user; a refusal is shown
on the page it came from (400, or 409 for a Conflict: a section someone saved meanwhile, a
state the incident does not allow yet), with what the person typed kept."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from response.core import verbs
from response.core.errors import Conflict, ResponseError
from response.core.models import Incident, PostMortem
from response.core.models.postmortem import SECTION_HEADINGS
from response.core.postmortems import postmortem_of
from response.web import queries
from response.web.decorators import SignedInRequest, page
from response.web.forms import (
    PostMortemOwnerForm,
    PostMortemSectionForm,
    PostMortemStateForm,
    add_response_error,
)
from response.web.views.pages import writeup_context


def _writeup_url(incident: Incident, anchor: str = "") -> str:
    return reverse("web:writeup", args=[incident.pk]) + (f"#{anchor}" if anchor else "")


def _postmortem_or_404(incident: Incident) -> PostMortem:
    postmortem = postmortem_of(incident)
    if postmortem is None:
        raise Http404("This incident has no post-mortem yet.")
    return postmortem


def _refused(request: SignedInRequest, incident: Incident, error: ResponseError) -> HttpResponse:
    context = {**writeup_context(incident), "postmortem_error": error.message}
    status = 409 if isinstance(error, Conflict) else 400
    return render(request, "web/writeup.html", context, status=status)


@page
@require_POST
def start(request: SignedInRequest, pk: int) -> HttpResponse:
    """Start the post-mortem, or pre-fill again what nobody has written yet."""
    incident = queries.incident_or_404(request.user, pk)
    _, created = verbs.start_postmortem_once(incident, by=request.user)
    messages.success(
        request, "Post-mortem started." if created else "Pre-filled sections refreshed."
    )
    return redirect(_writeup_url(incident, "postmortem"))


@page
@require_http_methods(["GET", "POST"])
def edit_section(request: SignedInRequest, pk: int, key: str) -> HttpResponse:
    incident = queries.incident_or_404(request.user, pk)
    postmortem = _postmortem_or_404(incident)
    if key not in SECTION_HEADINGS:
        raise Http404("No such section.")
    section = postmortem.sections.get(key=key)
    if request.method == "GET":
        form = PostMortemSectionForm(
            initial={"text": section.text, "version": section.version}, heading=section.heading
        )
        return _section_page(request, incident, section, form)
    form = PostMortemSectionForm(request.POST, heading=section.heading)
    if not form.is_valid():
        return _section_page(request, incident, section, form, status=400)
    try:
        verbs.edit_postmortem_section(
            postmortem,
            key,
            form.cleaned_data["text"],
            base_version=form.cleaned_data["version"],
            by=request.user,
        )
    except ResponseError as error:
        conflict = isinstance(error, Conflict)
        if conflict:
            # Show what is saved now beside what they typed (kept in the form), and take the
            # new version: saving again, after merging the two, is their informed choice.
            section.refresh_from_db()
            data = request.POST.copy()
            data["version"] = str(section.version)
            form = PostMortemSectionForm(data, heading=section.heading)
            form.is_valid()
        add_response_error(form, error)
        status = 409 if conflict else 400
        return _section_page(request, incident, section, form, status=status, conflict=conflict)
    messages.success(request, f"{section.heading} saved.")
    return redirect(_writeup_url(incident, f"pm-{key}"))


def _section_page(
    request, incident, section, form, *, status: int = 200, conflict: bool = False
) -> HttpResponse:
    context = {"incident": incident, "section": section, "form": form, "conflict": conflict}
    return render(request, "web/postmortem_section.html", context, status=status)


@page
@require_POST
def change_owner(request: SignedInRequest, pk: int) -> HttpResponse:
    incident = queries.incident_or_404(request.user, pk)
    postmortem = _postmortem_or_404(incident)
    form = PostMortemOwnerForm(request.POST)
    if not form.is_valid():
        return _refused(request, incident, ResponseError("Choose someone from the list."))
    try:
        verbs.set_postmortem_owner(postmortem, form.cleaned_data["owner"], by=request.user)
    except ResponseError as error:
        return _refused(request, incident, error)
    messages.success(request, "Owner changed.")
    return redirect(_writeup_url(incident, "postmortem"))


@page
@require_POST
def change_state(request: SignedInRequest, pk: int) -> HttpResponse:
    incident = queries.incident_or_404(request.user, pk)
    postmortem = _postmortem_or_404(incident)
    form = PostMortemStateForm(request.POST)
    if not form.is_valid():
        return _refused(request, incident, ResponseError("Choose a state from the list."))
    try:
        verbs.set_postmortem_state(postmortem, form.cleaned_data["state"], by=request.user)
    except ResponseError as error:
        return _refused(request, incident, error)
    messages.success(request, "State changed.")
    return redirect(_writeup_url(incident, "postmortem"))
