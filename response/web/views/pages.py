"""Pages that read: the incident list, the incident document, its live timeline, the write-up."""

from __future__ import annotations

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from response.core.chat import place_of, places_of
from response.core.models import Action, Severity, TimelineImage
from response.core.postmortems import postmortem_of, sections_of
from response.core.selectors import role_holders, shown_fields_of, timeline_of
from response.core.verbs.exports import available_trackers, tracker_label
from response.web import queries
from response.web.decorators import page
from response.web.forms import (
    ActionForm,
    DetailsForm,
    IncidentFilterForm,
    KeyTimesForm,
    LeadForm,
    PostMortemOwnerForm,
    PostMortemStateForm,
    ServicesForm,
    SeverityForm,
    StatusForm,
    TimelineEntryForm,
)
from response.web.presenters import person_options, timeline_days
from response.web.report import durations, key_times
from response.web.strip import life_strip
from response.web.types import all_types, type_context

PAGE_SIZE = 25


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and uptime checks: answers without sign-in, and checks the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@page
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    form = IncidentFilterForm(
        request.GET or None, leads=queries.leads_for_filter(request.user), types=all_types()
    )
    filters = queries.IncidentFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = queries.IncidentFilters(
            q=data["q"],
            status=data["status"],
            severity=data["severity"].pk if data["severity"] else None,
            type=data.get("type") or "",
            lead=data["lead"].pk if data["lead"] else None,
            service=data["service"].pk if data["service"] else None,
            since=data["since"],
            until=data["until"],
        )
    incidents = queries.OpenFirst(queries.filtered_incidents(request.user, filters))
    page_obj = queries.list_page(incidents, request.GET.get("page"), PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    places = places_of(page_obj.rows)
    rows = [(incident, channel(places.get(incident.pk))) for incident in page_obj.rows]
    return render(
        request,
        "web/incident_list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "rows": rows,
            "open_count": incidents.open_count(),
            "filtered": any(vars(filters).values()),
            "query": query.urlencode(),
            "now": timezone.now(),
        },
    )


def channel(place):
    """The incident's chat channel, to link to (None when it has none)."""
    return place if place is not None and place.channel_id else None


def incident_context(request: HttpRequest, incident, **forms) -> dict:
    """Everything the incident document shows; `forms` replaces a form (bound, with errors)."""
    tz_now = timezone.localtime()
    catalog = queries.services_for(incident)
    context = {
        "incident": incident,
        "channel": channel(place_of(incident)),
        "severities": list(Severity.objects.all()),
        "key_times": key_times(incident),
        "durations": durations(incident),
        "participants": queries.participants_of(incident),
        "actions": queries.actions_of(incident),
        "people_options": person_options(list(queries.people())),
        "priorities": Action.Priority.choices,
        "trackers": tracker_choices(),
        "details_form": DetailsForm(initial=DetailsForm.initial_for(incident)),
        "severity_form": SeverityForm(initial={"severity": incident.severity_id}),
        "status_form": StatusForm(initial={"status": incident.status}),
        "lead_form": LeadForm(initial={"lead": incident.lead_id}),
        "roles": role_holders(incident),
        "services": [name for _, name, is_affected in catalog if is_affected],
        "services_form": ServicesForm(
            catalog=[(slug, name) for slug, name, _ in catalog],
            initial={"services": [slug for slug, _, is_affected in catalog if is_affected]},
        ),
        "times_form": KeyTimesForm(initial=KeyTimesForm.initial_for(incident)),
        "action_form": ActionForm(),
        "entry_form": TimelineEntryForm(),
        "now": tz_now,
    }
    context.update(type_context(incident))
    context.update(timeline_context(incident))
    entries = [row.entry for day in context["days"] for row in day.rows]  # read once, above
    context["strip"] = life_strip(incident, entries, now=timezone.now())
    context.update(forms)
    return context


def tracker_choices() -> list[tuple[str, str]]:
    """The issue trackers an action can be exported to here: (name, label)."""
    return [(name, tracker_label(name)) for name in available_trackers()]


def timeline_context(incident) -> dict:
    return {
        "incident": incident,
        "days": timeline_days(incident, list(timeline_of(incident))),
        "version": queries.live_version(incident),
        "time_zone": timezone.get_current_timezone_name(),
    }


@page
@require_GET
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = queries.incident_or_404(request.user, pk)
    return render(request, "web/incident_detail.html", incident_context(request, incident))


@page
@require_GET
def timeline_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by the incident page every few seconds: 204 (nothing to swap) until a change."""
    incident = queries.incident_or_404(request.user, pk)
    version = queries.live_version(incident)
    if request.GET.get("v") == str(version):
        return HttpResponse(status=204)
    context = {**timeline_context(incident), "version": version}
    return render(request, "web/_timeline_live.html", context)


@page
@require_GET
def timeline_image(request: HttpRequest, pk: int, entry_pk: int, position: int) -> HttpResponse:
    """The kept copy of an image's thumbnail on the timeline, for those who may see the
    incident (response.core.models.TimelineImage)."""
    incident = queries.incident_or_404(request.user, pk)
    image = TimelineImage.objects.filter(
        entry__incident=incident, entry_id=entry_pk, position=position
    ).first()
    if image is None:
        raise Http404("No such image.")
    response = HttpResponse(bytes(image.data), content_type=image.content_type)
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def writeup_context(incident) -> dict:
    entries = list(timeline_of(incident))
    return {
        **postmortem_context(incident),
        "incident": incident,
        "channel": channel(place_of(incident)),
        "key_times": key_times(incident),
        "durations": durations(incident),
        "strip": life_strip(incident, entries, now=timezone.now()),
        "days": timeline_days(incident, entries),
        "actions": queries.actions_of(incident),
        "participants": queries.participants_of(incident),
        "time_zone": timezone.get_current_timezone_name(),
        "generated_at": timezone.localtime(),
        "type_fields": shown_fields_of(incident),
    }


# The post-mortem's sections shown in place of the incident's own summary and impact, above the
# key times; the others follow the life strip.
HEAD_SECTIONS = ("summary", "impact")


def postmortem_context(incident) -> dict:
    """The post-mortem on the write-up (None while nobody has started it) and its forms."""
    postmortem = postmortem_of(incident)
    if postmortem is None:
        return {"postmortem": None}
    sections = sections_of(postmortem)
    return {
        "postmortem": postmortem,
        "pm_head_sections": [s for s in sections if s.key in HEAD_SECTIONS],
        "pm_sections": [s for s in sections if s.key not in HEAD_SECTIONS],
        "pm_owner_form": PostMortemOwnerForm(initial={"owner": postmortem.owner_id}),
        "pm_state_form": PostMortemStateForm(initial={"state": postmortem.state}),
    }


@page
@require_GET
def writeup(request: HttpRequest, pk: int) -> HttpResponse:
    incident = queries.incident_or_404(request.user, pk)
    return render(request, "web/writeup.html", writeup_context(incident))


@page
@require_GET
def writeup_markdown(request: HttpRequest, pk: int) -> HttpResponse:
    incident = queries.incident_or_404(request.user, pk)
    text = render_to_string("web/writeup.md", writeup_context(incident), request=request)
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    filename = f"incident-{incident.pk}-{slugify(incident.title)[:50] or 'write-up'}.md"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
