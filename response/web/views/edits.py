"""Pages that write. Each parses a form, calls one core verb with by=request.user, and answers:
a redirect back to the incident (or, for htmx, the re-rendered section). A ResponseError from the
verb becomes a form error: a 400, or a 409 for a Conflict (the incident is not in a state that
allows it, perhaps since someone else changed it a moment ago). A NotFound (the row was removed
meanwhile) is a 404, like a row that was never there (see `response.web.decorators.page`).
Nothing here saves a model itself."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from response.core import verbs
from response.core.errors import Conflict, NotFound, ResponseError
from response.core.models import Action
from response.core.selectors import chat_account_of
from response.web import queries
from response.web.decorators import SignedInRequest, is_htmx, page
from response.web.forms import (
    ActionForm,
    CompleteActionForm,
    DeclareForm,
    DetailsForm,
    ExportActionForm,
    KeyTimesForm,
    LeadForm,
    RoleForm,
    ServicesForm,
    SeverityForm,
    StatusForm,
    TimelineEntryForm,
    add_response_error,
)
from response.web.presenters import person_options, timeline_days
from response.web.types import (
    all_types,
    asking_again,
    declare_type_form,
    posted_type_form,
)
from response.web.views.pages import incident_context, timeline_context, tracker_choices


def _incident_url(incident, anchor: str = "") -> str:
    return reverse("web:incident", args=[incident.pk]) + (f"#{anchor}" if anchor else "")


def _apply(form: forms.Form, call: Callable[[dict], object]) -> int | None:
    """Run the verb on the form's data. None when it was done; when it says no, the status to
    answer with (400, or 409 for a Conflict), the reason on the form."""
    if not form.is_valid():
        return 400
    try:
        call(form.cleaned_data)
    except NotFound:
        raise
    except ResponseError as error:
        add_response_error(form, error)
        return 409 if isinstance(error, Conflict) else 400
    return None


def _errors_text(form: forms.Form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _incident_form_view(
    request: SignedInRequest,
    pk: int,
    form_class: type[forms.Form],
    context_name: str,
    call: Callable[..., object],
    done: str,
    anchor: str = "",
    initial: Callable[..., dict] | None = None,
) -> HttpResponse:
    incident = queries.incident_or_404(request.user, pk)
    form = form_class(request.POST, initial=initial(incident) if initial else None)
    refused = _apply(form, lambda data: call(incident, form))
    if refused is None:
        messages.success(request, done)
        return redirect(_incident_url(incident, anchor))
    context = incident_context(request, incident, **{context_name: form, "open_form": context_name})
    return render(request, "web/incident_detail.html", context, status=refused)


@page
@require_POST
def edit_details(request: SignedInRequest, pk: int) -> HttpResponse:
    return _incident_form_view(
        request,
        pk,
        DetailsForm,
        "details_form",
        lambda incident, form: verbs.update_incident(incident, **form.changes(), by=request.user),
        "Details saved.",
        initial=DetailsForm.initial_for,
    )


@page
@require_POST
def change_severity(request: SignedInRequest, pk: int) -> HttpResponse:
    return _incident_form_view(
        request,
        pk,
        SeverityForm,
        "severity_form",
        lambda incident, form: verbs.set_severity(
            incident, form.cleaned_data["severity"], by=request.user
        ),
        "Severity changed.",
    )


@page
@require_POST
def change_status(request: SignedInRequest, pk: int) -> HttpResponse:
    return _incident_form_view(
        request,
        pk,
        StatusForm,
        "status_form",
        lambda incident, form: verbs.move_incident(
            incident, form.cleaned_data["status"], by=request.user
        ),
        "Status changed.",
    )


@page
@require_POST
def edit_key_times(request: SignedInRequest, pk: int) -> HttpResponse:
    return _incident_form_view(
        request,
        pk,
        KeyTimesForm,
        "times_form",
        lambda incident, form: verbs.set_key_times(incident, **form.changes(), by=request.user),
        "Key times saved.",
        anchor="key-times",
        initial=KeyTimesForm.initial_for,
    )


@page
@require_POST
def edit_type(request: SignedInRequest, pk: int) -> HttpResponse:
    """The incident's type and its fields' answers (response.web.types)."""
    incident = queries.incident_or_404(request.user, pk)
    form = posted_type_form(all_types(), request.POST)
    refused = _apply(
        form,
        lambda data: verbs.set_type_and_fields(
            incident,
            incident_type=data["type"] or None,
            fields=form.field_values(),
            by=request.user,
        ),
    )
    if refused is None:
        messages.success(request, "Type saved.")
        return redirect(_incident_url(incident, "type"))
    context = incident_context(request, incident, type_form=form, open_form="type_form")
    return render(request, "web/incident_detail.html", context, status=refused)


@page
@require_POST
def change_lead(request: SignedInRequest, pk: int) -> HttpResponse:
    return _incident_form_view(
        request,
        pk,
        LeadForm,
        "lead_form",
        lambda incident, form: verbs.set_lead(incident, form.cleaned_data["lead"], by=request.user),
        "Lead changed.",
    )


@page
@require_POST
def change_services(request: SignedInRequest, pk: int) -> HttpResponse:
    return _incident_form_view(
        request,
        pk,
        ServicesForm,
        "services_form",
        lambda incident, form: verbs.set_services(
            incident, form.cleaned_data["services"], by=request.user
        ),
        "Affected services saved.",
        "services",
    )


@page
@require_POST
def change_role(request: SignedInRequest, pk: int, role: str) -> HttpResponse:
    """Give a role (response.core.roles: the lead too) to a person, or to nobody."""

    def give(incident, form) -> object:
        person = form.cleaned_data["person"]
        if person is None:
            return verbs.unassign_role(incident, role, by=request.user)
        return verbs.assign_role(incident, role, person, by=request.user)

    return _incident_form_view(request, pk, RoleForm, "role_form", give, "Role given.", "roles")


# --- Timeline -------------------------------------------------------------------------------------


def _timeline_answer(
    request, incident, form=None, error: str = "", status: int | None = 400
) -> HttpResponse:
    if is_htmx(request):
        context = {
            **timeline_context(incident),
            "entry_form": form or TimelineEntryForm(),
            "timeline_error": error,
        }
        return render(request, "web/_timeline_section.html", context)
    if form is None and not error:
        return redirect(_incident_url(incident, "timeline"))
    context = incident_context(request, incident, entry_form=form or TimelineEntryForm())
    context["timeline_error"] = error
    return render(request, "web/incident_detail.html", context, status=status)


@page
@require_POST
def add_entry(request: SignedInRequest, pk: int) -> HttpResponse:
    incident = queries.incident_or_404(request.user, pk)
    form = TimelineEntryForm(request.POST)
    refused = _apply(
        form,
        lambda data: verbs.add_timeline_event(
            incident,
            data["text"],
            timestamp=data["timestamp"],
            metadata={"by": web_author(request.user)},
            by=request.user,
        ),
    )
    return _timeline_answer(request, incident, form if refused else None, status=refused)


def web_author(user) -> str:
    """Who wrote an entry from the web, shown when they have no linked chat account."""
    return user.get_full_name() or user.get_username()


def _entry(request: SignedInRequest, pk: int, entry_pk: int):
    incident = queries.incident_or_404(request.user, pk)
    return incident, get_object_or_404(incident.timeline_events, pk=entry_pk)


@page
@require_http_methods(["GET", "POST"])
def edit_entry(request: SignedInRequest, pk: int, entry_pk: int) -> HttpResponse:
    incident, entry = _entry(request, pk, entry_pk)
    if request.method == "GET":
        # Fetched when the entry's <details> opens, so a long timeline (polled every few
        # seconds) does not carry a form per entry.
        context = {
            "incident": incident,
            "row": timeline_days(incident, [entry])[0].rows[0],
            "time_zone": timezone.get_current_timezone_name(),
        }
        template = "web/_entry_edit_form.html" if is_htmx(request) else "web/entry_edit.html"
        return render(request, template, context)
    form = TimelineEntryForm(request.POST)
    refused = _apply(
        form,
        lambda data: verbs.edit_timeline_event(
            entry,
            text=data["text"],
            timestamp=data["timestamp"] or entry.timestamp,
            by=request.user,
        ),
    )
    error = _errors_text(form) if refused else ""
    return _timeline_answer(request, incident, error=error, status=refused)


@page
@require_POST
def delete_entry(request: SignedInRequest, pk: int, entry_pk: int) -> HttpResponse:
    incident, entry = _entry(request, pk, entry_pk)
    verbs.remove_timeline_event(entry, by=request.user)
    return _timeline_answer(request, incident)


# --- Follow-up actions ----------------------------------------------------------------------------


def _actions_answer(
    request, incident, form=None, error: str = "", status: int | None = 400
) -> HttpResponse:
    if is_htmx(request):
        context = {
            "incident": incident,
            "actions": queries.actions_of(incident),
            "people_options": person_options(list(queries.people())),
            "priorities": Action.Priority.choices,
            "trackers": tracker_choices(),
            "action_form": form or ActionForm(),
            "actions_error": error,
        }
        return render(request, "web/_actions.html", context)
    if form is None and not error:
        return redirect(_incident_url(incident, "actions"))
    context = incident_context(request, incident, action_form=form or ActionForm())
    context["actions_error"] = error
    return render(request, "web/incident_detail.html", context, status=status)


@page
@require_POST
def add_action(request: SignedInRequest, pk: int) -> HttpResponse:
    incident = queries.incident_or_404(request.user, pk)
    form = ActionForm(request.POST)
    refused = _apply(form, lambda data: verbs.add_action(incident, **data, by=request.user))
    return _actions_answer(request, incident, form if refused else None, status=refused)


def _action(request: SignedInRequest, pk: int, action_pk: int):
    incident = queries.incident_or_404(request.user, pk)
    return incident, get_object_or_404(incident.actions, pk=action_pk)


@page
@require_http_methods(["GET", "POST"])
def edit_action(request: SignedInRequest, pk: int, action_pk: int) -> HttpResponse:
    incident, action = _action(request, pk, action_pk)
    if request.method == "GET":
        # The form is fetched when its <details> opens: a page with many actions would otherwise
        # carry a full list of people for each one.
        context = {
            "incident": incident,
            "action": action,
            "people_options": person_options(list(queries.people())),
            "priorities": Action.Priority.choices,
        }
        template = "web/_action_edit_form.html" if is_htmx(request) else "web/action_edit.html"
        return render(request, template, context)
    form = ActionForm(request.POST)
    refused = _apply(form, lambda data: verbs.update_action(action, **data, by=request.user))
    error = _errors_text(form) if refused else ""
    return _actions_answer(request, incident, error=error, status=refused)


@page
@require_POST
def complete_action(request: SignedInRequest, pk: int, action_pk: int) -> HttpResponse:
    incident, action = _action(request, pk, action_pk)
    form = CompleteActionForm(request.POST)
    _apply(form, lambda data: verbs.complete_action(action, done=data["done"], by=request.user))
    return _actions_answer(request, incident)


@page
@require_POST
def export_action(request: SignedInRequest, pk: int, action_pk: int) -> HttpResponse:
    """Ask for the action's export to a tracker; the worker creates the issue, and the page
    shows the link (or the tracker's refusal) on the action once it has answered."""
    incident, action = _action(request, pk, action_pk)
    form = ExportActionForm(request.POST)
    refused = _apply(
        form, lambda data: verbs.request_action_export(action, data["tracker"], by=request.user)
    )
    error = _errors_text(form) if refused else ""
    return _actions_answer(request, incident, error=error, status=refused)


# --- Declaring ------------------------------------------------------------------------------------


@page
def declare(request: SignedInRequest) -> HttpResponse:
    form = DeclareForm(request.POST or None)
    type_form = declare_type_form(request.POST or None)
    context = {"form": form, "type_form": type_form}
    if request.method != "POST":
        return render(request, "web/declare.html", context)
    if type_form is not None and not type_form.answered and type_form.shown_type:
        # A type chosen without JavaScript: show its questions (and its privacy) first.
        chosen = next(t for t in all_types() if t.slug == type_form.shown_type)
        data = request.POST.copy()
        data["is_private"] = "on" if chosen.private_by_default else ""
        form = DeclareForm(data)
        form.is_valid()  # shows what was typed, and what is wrong with it already
        context.update(form=form, type_form=asking_again(type_form))
        return render(request, "web/declare.html", context)
    valid = form.is_valid()
    if type_form is not None:
        valid = type_form.is_valid() and valid
    if valid:
        try:
            incident = verbs.declare_incident(
                **form.cleaned_data,
                incident_type=type_form.cleaned_data["type"] or None if type_form else None,
                fields=type_form.field_values() if type_form else None,
                reporter=chat_account_of(request.user),
                by=request.user,
            )
        except NotFound:
            raise
        except ResponseError as error:
            in_type_form = type_form is not None and error.field in type_form.fields
            add_response_error(type_form if in_type_form else form, error)  # type: ignore[arg-type]
        else:
            messages.success(request, "Incident declared.")
            return redirect(_incident_url(incident))
    return render(request, "web/declare.html", context, status=400)


@page
@require_GET
def declare_type_fields(request: SignedInRequest) -> HttpResponse:
    """The declare page's fields of the type chosen, swapped in by htmx when it changes."""
    type_form = declare_type_form(None, request.GET.get("type", ""))
    return render(request, "web/_declare_type.html", {"type_form": type_form, "swap": True})
