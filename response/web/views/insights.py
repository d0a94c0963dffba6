"""The insights page and the CSV of each of its charts."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from response.core.errors import InvalidInput
from response.core.insights import DIMENSIONS, InsightFilters, insight_filters, insights
from response.web.decorators import page
from response.web.insights import InsightsForm, as_csv, charts_of


def filters_of(form: InsightsForm) -> InsightFilters | None:
    """The filters the form asks for (the default period when it asks for none); None, with the
    form's errors set, when they make no sense."""
    if not form.is_bound:
        return insight_filters(since=None, until=None)
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return insight_filters(
            since=data["since"],
            until=data["until"],
            chosen={d.key: data[d.key] for d in DIMENSIONS if d.key in data},
            include_report_only=data["report_only"] != "exclude",
            include_triage=data["triage"] == "include",
        )
    except InvalidInput as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


@page
@require_GET
def insights_page(request: HttpRequest) -> HttpResponse:
    form = InsightsForm(request.GET or None)
    filters = filters_of(form)
    status = 200
    if filters is None:  # say what is wrong, and show the default period meanwhile
        filters, status = insight_filters(since=None, until=None), 400
    data = insights(request.user, filters)
    context = {
        "form": form,
        "data": data,
        "charts": charts_of(data),
        "query": request.GET.urlencode(),
    }
    return render(request, "web/insights.html", context, status=status)


@page
@require_GET
def insights_csv(request: HttpRequest, chart: str) -> HttpResponse:
    form = InsightsForm(request.GET or None)
    filters = filters_of(form)
    if filters is None:
        messages = [str(e) for errors in form.errors.values() for e in errors]
        return HttpResponse(" ".join(messages), status=400, content_type="text/plain")
    found = next((c for c in charts_of(insights(request.user, filters)) if c.slug == chart), None)
    if found is None:
        raise Http404("No such chart.")
    response = HttpResponse(as_csv(found.table), content_type="text/csv; charset=utf-8")
    name = f"{chart}-{filters.since.isoformat()}-{filters.until.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
