"""Insights: what the incidents of a period add up to. The reads behind the web page and the API.

Everything is aggregated in the database, grouped by week and severity, so the number of queries
and the rows read back stay the same whatever the number of incidents. Percentiles are
`percentile_cont` on PostgreSQL; SQLite has no such aggregate, so there the durations are read
back and interpolated in Python the same way (`percentile`; the tests expect the same figures
from both databases).

The ways incidents can be told apart (the severity, the incident type, the affected services) are
listed once, in DIMENSIONS: each gives a filter and, when `breakdown` is set, a chart of its own.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, TruncWeek
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from response.core.errors import InvalidInput
from response.core.models import (
    AffectedService,
    ExternalUser,
    Incident,
    RoleAssignment,
    Service,
    Status,
)
from response.core.models.incident import TRIAGE_STATUSES
from response.core.selectors import AnyUser, incident_types, severities, visible_incidents

# What the page shows when no period is asked for: the last 26 weeks, this one included.
DEFAULT_WEEKS = 26
FRACTIONS = (0.5, 0.9)  # median and p90
PEOPLE_SHOWN = 15
MAX_WEEKS = 5 * 53  # a longer period would draw bars thinner than a pixel


# --- Filters --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


@dataclass(frozen=True)
class Dimension:
    """A way to tell incidents apart: a foreign key of Incident, its values, and a label.

    A many-to-many (the services) gives its own `select` and `count_by` instead of a field:
    an incident with two of the chosen values must be counted once, not once per value."""

    key: str  # the query parameter, the CSV's name
    label: str
    field: str  # the foreign key's attribute on Incident (`severity_id`); "" with `select`
    choices: Callable[[], list[Choice]]
    breakdown: bool  # a chart "Incidents by <label>" of its own
    # The incidents with any of these values; and (value id or None, its label when read
    # with it, incidents), most incidents first.
    select: Callable[[QuerySet[Incident], tuple[int, ...]], QuerySet[Incident]] | None = None
    count_by: Callable[[QuerySet[Incident]], list[tuple[int | None, str | None, int]]] | None = None

    def selected(self, incidents: QuerySet[Incident], ids: tuple[int, ...]) -> QuerySet[Incident]:
        if self.select is not None:
            return self.select(incidents, ids)
        return incidents.filter(**{f"{self.field}__in": ids})

    def counts(self, incidents: QuerySet[Incident]) -> list[tuple[int | None, str | None, int]]:
        if self.count_by is not None:
            return self.count_by(incidents)
        rows = incidents.values(self.field).annotate(n=Count("id")).order_by("-n")
        return [(row[self.field], None, row["n"]) for row in rows]


def severity_choices() -> list[Choice]:
    return [Choice(severity.pk, severity.name) for severity in severities()]


def type_choices() -> list[Choice]:
    """Every incident type, archived ones too: their incidents still count."""
    return [Choice(kind.pk, kind.name) for kind in incident_types(with_archived=True)]


def service_choices() -> list[Choice]:
    return [Choice(pk, name) for pk, name in Service.objects.values_list("pk", "name")]


def affecting_services(incidents: QuerySet[Incident], ids: tuple[int, ...]) -> QuerySet[Incident]:
    """The incidents affecting any of these services: a subquery, so each is there once."""
    affected = AffectedService.objects.filter(incident_id=OuterRef("pk"), service_id__in=ids)
    return incidents.filter(Exists(affected))


def incidents_by_service(
    incidents: QuerySet[Incident],
) -> list[tuple[int | None, str | None, int]]:
    """How many incidents affected each service (an incident counts once for each of its
    services, so these add up to more than the total), and how many named none (None): one
    query, the incidents joined to their services and the services' names."""
    rows = (
        incidents.values(
            service=F("affected_services__service_id"),
            name=F("affected_services__service__name"),
        )
        # An incident affects a service once (a unique pair), so no DISTINCT (and its sort).
        .annotate(n=Count("id"))
        .order_by("-n", "name")
    )
    return [(row["service"], row["name"], row["n"]) for row in rows]


# Severity has no breakdown chart: the weekly chart is already split by severity. A dimension
# without values (no incident types configured) draws nothing and costs no query.
DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        key="severity",
        label="Severity",
        field="severity_id",
        choices=severity_choices,
        breakdown=False,
    ),
    Dimension(key="type", label="Type", field="type_id", choices=type_choices, breakdown=True),
    Dimension(
        key="service",
        label="Service",
        field="",
        choices=service_choices,
        breakdown=True,
        select=affecting_services,
        count_by=incidents_by_service,
    ),
)


@dataclass(frozen=True)
class InsightFilters:
    """Which incidents count: reported in [since, until] (whole days in the current time zone),
    with one of the chosen values of each dimension (none chosen: any). Triage incidents (opened
    by alerts, not yet taken on, or declined) count only when asked for."""

    since: date
    until: date
    chosen: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    include_report_only: bool = True
    include_triage: bool = False


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last DEFAULT_WEEKS weeks, from a Monday to today."""
    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=DEFAULT_WEEKS - 1), today


def counted_incidents(user: AnyUser | None, filters: InsightFilters) -> QuerySet[Incident]:
    """The incidents the filters select, among those this user may see."""
    tz = timezone.get_current_timezone()
    queryset = visible_incidents(user).filter(
        reported_at__gte=datetime.combine(filters.since, time(), tz),
        reported_at__lt=datetime.combine(filters.until + timedelta(days=1), time(), tz),
    )
    for dimension in DIMENSIONS:
        ids = filters.chosen.get(dimension.key)
        if ids:
            queryset = dimension.selected(queryset, ids)
    if not filters.include_report_only:
        queryset = queryset.filter(is_report_only=False)
    if not filters.include_triage:
        queryset = queryset.exclude(status__in=TRIAGE_STATUSES)
    return queryset.order_by()


# --- Percentiles ----------------------------------------------------------------------------------


class PercentileCont(Aggregate):
    """PostgreSQL's `percentile_cont(f) WITHIN GROUP (ORDER BY x)` (NULLs are left out)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Any, fraction: float, **extra: Any):
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile(ordered: list[float], fraction: float) -> float:
    """What `percentile_cont` answers for a sorted, non-empty list: linear interpolation between
    the two values around position fraction × (n - 1)."""
    position = fraction * (len(ordered) - 1)
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


@dataclass(frozen=True)
class Spread:
    """Durations in seconds: how many there were, their median and their 90th percentile."""

    count: int
    median: float | None
    p90: float | None


def duration_between(start: str | Combinable, end: str | Combinable) -> Case:
    """end - start, or NULL when either is missing or end comes first (a status reached out of
    the usual order says nothing about how long the one before it lasted)."""
    start = F(start) if isinstance(start, str) else start
    end = F(end) if isinstance(end, str) else end
    difference = ExpressionWrapper(end - start, output_field=DurationField())
    return Case(When(GreaterThanOrEqual(end, start), then=difference), output_field=DurationField())


@dataclass(frozen=True)
class Group:
    """The incidents of one group: how many, and each measure's Spread (measures none of them
    has are left out)."""

    count: int
    spreads: dict[str, Spread]


def spreads(
    queryset: QuerySet[Incident], group_by: Mapping[str, Any], measures: Mapping[str, Case]
) -> dict[tuple[Any, ...], Group]:
    """Each group's incidents (keyed by the tuple of its `group_by` values), in one query."""
    keys = list(group_by)
    grouped = queryset.annotate(**group_by)
    result: dict[tuple[Any, ...], Group] = {}
    if connection.vendor == "postgresql":
        aggregates: dict[str, Any] = {"n": Count("id")}
        for name, measure in measures.items():
            aggregates[f"n_{name}"] = Count(measure)
            for i, fraction in enumerate(FRACTIONS):
                aggregates[f"p{i}_{name}"] = PercentileCont(
                    measure, fraction, output_field=DurationField()
                )
        for row in grouped.values(*keys).annotate(**aggregates):
            found = {}
            for name in measures:
                median, p90 = (row[f"p{i}_{name}"] for i in range(len(FRACTIONS)))
                if row[f"n_{name}"]:
                    found[name] = Spread(
                        row[f"n_{name}"], median.total_seconds(), p90.total_seconds()
                    )
            result[tuple(row[key] for key in keys)] = Group(row["n"], found)
        return result
    counts: dict[tuple[Any, ...], int] = defaultdict(int)
    durations: dict[tuple[Any, ...], dict[str, list[float]]] = defaultdict(
        lambda: defaultdict(list)
    )
    annotated = grouped.annotate(**{f"m_{name}": measure for name, measure in measures.items()})
    for row in annotated.values_list(*keys, *(f"m_{name}" for name in measures)):
        group, values = tuple(row[: len(keys)]), row[len(keys) :]
        counts[group] += 1
        for name, value in zip(measures, values, strict=True):
            if value is not None:
                durations[group][name].append(value.total_seconds())
    for group, count in counts.items():
        found = {}
        for name, values in durations[group].items():
            ordered = sorted(values)
            found[name] = Spread(len(ordered), *(percentile(ordered, f) for f in FRACTIONS))
        result[group] = Group(count, found)
    return result


# --- The figures ----------------------------------------------------------------------------------

# Time to acknowledge, mitigate and resolve, from when the impact started.
TIME_TO: tuple[tuple[str, str], ...] = (
    ("acknowledge", "acknowledged_at"),
    ("mitigate", "mitigated_at"),
    ("resolve", "resolved_at"),
)
# The live statuses, each from when it was first reached to when the next one was.
STATUS_PHASES: tuple[tuple[str, str, Combinable], ...] = (
    (
        Status.INVESTIGATING,
        "reported_at",
        Coalesce("identified_at", "monitoring_at", "resolved_at"),
    ),
    (Status.IDENTIFIED, "identified_at", Coalesce("monitoring_at", "resolved_at")),
    (Status.MONITORING, "monitoring_at", F("resolved_at")),
)


@dataclass(frozen=True)
class WeekCount:
    week: date
    severity_id: int | None
    count: int


@dataclass(frozen=True)
class WeekSpread:
    week: date
    severity_id: int | None
    measure: str  # a name in TIME_TO
    spread: Spread


@dataclass(frozen=True)
class StatusSpread:
    severity_id: int | None
    status: str
    spread: Spread


@dataclass(frozen=True)
class PersonLoad:
    person_id: int
    name: str
    led: int
    roles: int  # incidents in which they held a role other than lead (and did not lead)
    hours: float  # from impact started to the end (or now, while open), summed


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    value_id: int | None
    count: int
    label: str | None = None  # when the dimension reads it with the counts


@dataclass(frozen=True)
class Insights:
    filters: InsightFilters
    weeks: list[date]  # every Monday in the period, empty weeks included
    severities: list[Choice]  # most severe first (Unset is severity_id None)
    total: int
    per_week: list[WeekCount]
    time_to: list[WeekSpread]
    time_in_status: list[StatusSpread]
    people: list[PersonLoad]
    breakdowns: list[Breakdown]


def weeks_of(since: date, until: date) -> list[date]:
    monday = since - timedelta(days=since.weekday())
    weeks = []
    while monday <= until:
        weeks.append(monday)
        monday += timedelta(weeks=1)
    return weeks


def _week(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def per_week(incidents: QuerySet[Incident]) -> tuple[list[WeekCount], list[WeekSpread]]:
    """Incidents per week and severity, and their times to acknowledge, mitigate and resolve:
    one query, as both are grouped the same way."""
    measures = {name: duration_between("started_at", at) for name, at in TIME_TO}
    found = spreads(
        incidents, {"week": TruncWeek("reported_at"), "sev": F("severity_id")}, measures
    )
    ordered = sorted(found.items(), key=lambda item: (item[0][0], item[0][1] or 0))
    counts = [WeekCount(_week(week), sev, group.count) for (week, sev), group in ordered]
    times = [
        WeekSpread(_week(week), sev, name, group.spreads[name])
        for (week, sev), group in ordered
        for name, _ in TIME_TO
        if name in group.spreads
    ]
    return counts, times


def time_in_status(incidents: QuerySet[Incident]) -> list[StatusSpread]:
    """How long resolved incidents spent in each live status. Only the first time each status was
    reached is recorded, so an incident that went back to investigating counts its first stint."""
    resolved = incidents.filter(status=Status.RESOLVED)
    measures = {status: duration_between(start, end) for status, start, end in STATUS_PHASES}
    found = spreads(resolved, {"sev": F("severity_id")}, measures)
    return [
        StatusSpread(severity_id, status, group.spreads[status])
        for (severity_id,), group in sorted(found.items(), key=lambda item: item[0][0] or 0)
        for status, _, _ in STATUS_PHASES
        if status in group.spreads
    ]


def _incident_end(now: datetime, prefix: str = "") -> Case:
    """When an incident's time ended: its resolution, or now while it is open (a report-only
    incident ends when it was reported)."""
    return Case(
        When(**{f"{prefix}status": Status.RESOLVED}, then=F(f"{prefix}resolved_at")),
        When(
            **{f"{prefix}status": Status.REPORTED},
            then=Coalesce(f"{prefix}resolved_at", f"{prefix}reported_at"),
        ),
        default=Value(now),
    )


def load_on_people(incidents: QuerySet[Incident], now: datetime) -> list[PersonLoad]:
    """Who led incidents or held a role in them, and the hours those incidents ran (until now,
    while open). An incident counts once per person: a lead who also holds a role counts as its
    lead, and two roles held in one incident are one incident."""
    led = (
        incidents.filter(lead__isnull=False)
        .values("lead_id")
        .annotate(n=Count("id"), time=Sum(duration_between("started_at", _incident_end(now))))
    )
    # One assignment per (incident, holder) who is not its lead: none of the same person in the
    # same incident before it (an anti-join on the assignments' incident index; grouping them
    # first read the counted incidents twice).
    earlier = RoleAssignment.objects.filter(
        incident_id=OuterRef("incident_id"), holder_id=OuterRef("holder_id"), id__lt=OuterRef("id")
    )
    held = (
        RoleAssignment.objects.filter(incident__in=incidents)
        .exclude(incident__lead_id=F("holder_id"))
        .exclude(Exists(earlier))
        .values("holder_id")
        .annotate(
            n=Count("id"),
            time=Sum(duration_between("incident__started_at", _incident_end(now, "incident__"))),
        )
        .order_by()
    )
    loads: dict[int, list[Any]] = defaultdict(lambda: [0, 0, timedelta()])
    for row in led.order_by():
        loads[row["lead_id"]][0] = row["n"]
        loads[row["lead_id"]][2] += row["time"] or timedelta()
    for held_row in held:
        loads[held_row["holder_id"]][1] = held_row["n"]
        loads[held_row["holder_id"]][2] += held_row["time"] or timedelta()
    shown = sorted(loads.items(), key=lambda item: (-item[1][0] - item[1][1], -item[1][0], item[0]))
    shown = shown[:PEOPLE_SHOWN]
    names = {
        person.pk: person.name
        for person in ExternalUser.objects.filter(pk__in=[pk for pk, _ in shown]).only(
            "display_name", "full_name", "external_id"
        )
    }
    return [
        PersonLoad(pk, names.get(pk, "?"), led, roles, time.total_seconds() / 3600)
        for pk, (led, roles, time) in shown
    ]


def breakdowns(incidents: QuerySet[Incident]) -> list[Breakdown]:
    found: list[Breakdown] = []
    for dimension in DIMENSIONS:
        # A dimension of a foreign key without values (no incident types) costs no query.
        if dimension.breakdown and (dimension.count_by is not None or dimension.choices()):
            counts = dimension.counts(incidents)
            if any(value is not None for value, _, _ in counts):  # else every incident is Unset
                found += [Breakdown(dimension.key, value, n, label) for value, label, n in counts]
    return found


def insights(user: AnyUser | None, filters: InsightFilters) -> Insights:
    """Every figure of the insights page and API for what this user may see."""
    incidents = counted_incidents(user, filters)
    counts, times = per_week(incidents)
    return Insights(
        filters=filters,
        weeks=weeks_of(filters.since, filters.until),
        severities=severity_choices(),
        total=sum(row.count for row in counts),
        per_week=counts,
        time_to=times,
        time_in_status=time_in_status(incidents),
        people=load_on_people(incidents, timezone.now()),
        breakdowns=breakdowns(incidents),
    )


def dimension_named(key: str) -> Dimension | None:
    return next((dimension for dimension in DIMENSIONS if dimension.key == key), None)


def insight_filters(
    *,
    since: date | None,
    until: date | None,
    chosen: Mapping[str, Iterable[int]] | None = None,
    include_report_only: bool = True,
    include_triage: bool = False,
) -> InsightFilters:
    """The filters, checked: a period in order and at most MAX_WEEKS long (a missing end is the
    default period's), and only known values of known dimensions."""
    default_since, default_until = default_period()
    since, until = since or default_since, until or default_until
    if since > until:
        raise InvalidInput("The period must start before it ends.", field="since")
    if (until - since).days > MAX_WEEKS * 7:
        raise InvalidInput(f"The period can be at most {MAX_WEEKS} weeks long.", field="since")
    checked: dict[str, tuple[int, ...]] = {}
    for key, ids in (chosen or {}).items():
        dimension = dimension_named(key)
        if dimension is None:
            raise InvalidInput(f"Insights cannot be filtered by {key}.", field=key)
        if not ids:
            continue  # nothing chosen: nothing to check (and no query for its values)
        known = {choice.id for choice in dimension.choices()}
        unknown = set(ids) - known
        if unknown:
            raise InvalidInput(
                f"No such {dimension.label.lower()}: {', '.join(map(str, sorted(unknown)))}.",
                field=key,
            )
        checked[key] = tuple(sorted(set(ids)))
    return InsightFilters(since, until, checked, include_report_only, include_triage)
