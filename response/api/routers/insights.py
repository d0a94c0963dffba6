"""Insights: the figures of the web UI's insights page, as JSON, with the same filters."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ninja import Field, Query, Router, Schema
from pydantic import BaseModel

from response.api.auth import ApiRequest
from response.api.errors import ERRORS
from response.api.types import IsoDate
from response.core.errors import InvalidInput
from response.core.insights import Insights, Spread, insight_filters, insights
from response.core.models import Service
from response.core.selectors import incident_types, severities

router = Router(tags=["statistics"])

UNSET = "unset"


class InsightsQuery(Schema):
    since: IsoDate | None = Field(
        None, description="First day (UTC) of the period; the default is 25 weeks before Monday."
    )
    until: IsoDate | None = Field(None, description="Last day (UTC) of the period; default today.")
    severity: list[str] = Field(
        [], description="Severity slugs to count (repeat the parameter); none: every severity."
    )
    type: list[str] = Field(
        [], description="Incident type slugs to count (repeat the parameter); none: every type."
    )
    service: list[str] = Field(
        [], description="Service slugs: incidents affecting any of them; none: every incident."
    )
    report_only: Literal["include", "exclude"] = Field(
        "include", description="Whether incidents declared after the fact count."
    )
    triage: Literal["include", "exclude"] = Field(
        "exclude",
        description="Whether triage incidents count (opened by alerts: waiting for a decision, "
        "or declined).",
    )


class WeekCountOut(BaseModel):
    week: date = Field(description="The Monday the week starts on (UTC).")
    severity: str = Field(description="Severity slug, or 'unset'.")
    count: int


class SpreadOut(BaseModel):
    count: int = Field(description="How many incidents have this duration.")
    median_seconds: float | None
    p90_seconds: float | None


class TimeToOut(SpreadOut):
    week: date
    severity: str
    measure: Literal["acknowledge", "mitigate", "resolve"] = Field(
        description="Time from impact started to acknowledged, mitigated or resolved."
    )


class TimeInStatusOut(SpreadOut):
    severity: str
    status: Literal["investigating", "identified", "monitoring"]


class PersonLoadOut(BaseModel):
    person_id: int
    name: str
    incidents_led: int
    incidents_with_a_role: int = Field(
        description="Incidents in which they held a role other than lead, and did not lead."
    )
    hours_in_incidents: float = Field(
        description="The hours the incidents they led or held a role in ran, each counted once."
    )


class BreakdownOut(BaseModel):
    dimension: str = Field(
        description="What incidents are told apart by: 'type', or 'service' (an incident counts "
        "once for each service it affected)."
    )
    value_id: int | None = Field(description="The type's or service's id; null: none named.")
    value: str = Field(description="The type's or service's slug, or 'unset'.")
    count: int


class InsightsOut(BaseModel):
    since: date
    until: date
    include_report_only: bool
    include_triage: bool
    total: int = Field(description="Incidents counted (private ones only if you may see them).")
    weeks: list[date]
    per_week: list[WeekCountOut]
    time_to: list[TimeToOut]
    time_in_status: list[TimeInStatusOut]
    people: list[PersonLoadOut] = Field(
        description="Who led incidents or held a role in them, the busiest first."
    )
    breakdowns: list[BreakdownOut]


def _spread(spread: Spread) -> dict:
    return {"count": spread.count, "median_seconds": spread.median, "p90_seconds": spread.p90}


def as_json(data: Insights) -> dict:
    slugs = {severity.pk: severity.slug for severity in severities()}
    value_slugs = {"type": {kind.pk: kind.slug for kind in incident_types(with_archived=True)}}
    if any(b.dimension == "service" for b in data.breakdowns):
        value_slugs["service"] = dict(Service.objects.values_list("pk", "slug"))

    def slug(severity_id: int | None) -> str:
        return slugs.get(severity_id, UNSET) if severity_id is not None else UNSET

    return {
        "since": data.filters.since,
        "until": data.filters.until,
        "include_report_only": data.filters.include_report_only,
        "include_triage": data.filters.include_triage,
        "total": data.total,
        "weeks": data.weeks,
        "per_week": [
            {"week": row.week, "severity": slug(row.severity_id), "count": row.count}
            for row in data.per_week
        ],
        "time_to": [
            {
                "week": r.week,
                "severity": slug(r.severity_id),
                "measure": r.measure,
                **_spread(r.spread),
            }
            for r in data.time_to
        ],
        "time_in_status": [
            {"severity": slug(r.severity_id), "status": r.status, **_spread(r.spread)}
            for r in data.time_in_status
        ],
        "people": [
            {
                "person_id": p.person_id,
                "name": p.name,
                "incidents_led": p.led,
                "incidents_with_a_role": p.roles,
                "hours_in_incidents": round(p.hours, 2),
            }
            for p in data.people
        ],
        "breakdowns": [
            {
                "dimension": b.dimension,
                "value_id": b.value_id,
                "value": value_slugs[b.dimension].get(b.value_id, UNSET)
                if b.value_id is not None
                else UNSET,
                "count": b.count,
            }
            for b in data.breakdowns
        ],
    }


@router.get("/insights", response={200: InsightsOut, **ERRORS})
def insights_of(request: ApiRequest, query: Query[InsightsQuery]):
    """Incidents per week by severity, time to acknowledge / mitigate / resolve (median and p90)
    per week and severity, time in each status, and who led the most incidents."""
    ids = {severity.slug: severity.pk for severity in severities()}
    unknown = sorted(set(query.severity) - set(ids))
    if unknown:
        raise InvalidInput(f"No such severity: {', '.join(unknown)}.", field="severity")
    type_ids = {kind.slug: kind.pk for kind in incident_types(with_archived=True)}
    unknown = sorted(set(query.type) - set(type_ids))
    if unknown:
        raise InvalidInput(f"No such type: {', '.join(unknown)}.", field="type")
    services = dict(Service.objects.filter(slug__in=query.service).values_list("slug", "pk"))
    unknown = sorted(set(query.service) - set(services))
    if unknown:
        raise InvalidInput(f"No such service: {', '.join(unknown)}.", field="service")
    filters = insight_filters(
        since=query.since,
        until=query.until,
        chosen={
            "severity": [ids[slug] for slug in query.severity],
            "type": [type_ids[slug] for slug in query.type],
            "service": [services[slug] for slug in query.service],
        },
        include_report_only=query.report_only == "include",
        include_triage=query.triage == "include",
    )
    return as_json(insights(request.auth, filters))
