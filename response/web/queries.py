"""Reads for the web pages. Every page's query count is constant (tests pin it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import BooleanField, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from response.core.models import (
    Action,
    AuditEvent,
    ExternalUser,
    Incident,
    Participant,
    TimelineEvent,
)
from response.core.models.incident import CLOSED_STATUSES, OPEN_STATUSES
from response.core.selectors import visible_incidents

# The same text the PostgreSQL expression indexes in migration web/0001 cover; keep them equal.
INCIDENT_TSVECTOR = (
    "to_tsvector('english'::regconfig, "
    "coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(impact, ''))"
)
TIMELINE_TSVECTOR = "to_tsvector('english'::regconfig, coalesce(text, ''))"
# Search: up to this many matching incidents are passed on as a list of ids.
SEARCH_ID_LIST_MAX = 2000


@dataclass(frozen=True)
class IncidentFilters:
    q: str = ""
    status: str = ""  # "", "open", "closed" or a Status value
    severity: int | None = None
    lead: int | None = None
    since: date | None = None
    until: date | None = None


def incident_or_404(user, pk: int) -> Incident:
    """The incident, if this user may see it; private ones are a 404 for everyone else."""
    queryset = visible_incidents(user).select_related("severity", "lead", "reporter")
    incident = queryset.filter(pk=pk).first()
    if incident is None:
        raise Http404("No such incident.")
    return incident


def search_incidents(queryset: QuerySet[Incident], q: str) -> QuerySet[Incident]:
    """Full-text search over title, summary, impact and timeline text.

    PostgreSQL: `websearch_to_tsquery` (quotes, OR, -word) against GIN expression indexes.
    SQLite: every word must appear (case-insensitively) in one of those texts.
    """
    q = q.strip()
    if not q:
        return queryset
    if connection.vendor == "postgresql":
        return _postgres_search(queryset, q)
    matches = Incident.objects.all()
    for word in q.split()[:8]:
        timeline = TimelineEvent.objects.filter(text__icontains=word).values("incident_id")
        matches = matches.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(impact__icontains=word)
            | Q(pk__in=timeline)
        )
    # The LIKE scan is the cost: run it once. A few matches (the usual search) become a list of
    # ids, which the list's count and slices then read by primary key; many matches stay a
    # subquery (a list that long would be slower to pass than to recompute).
    ids = list(matches.values_list("pk", flat=True)[: SEARCH_ID_LIST_MAX + 1])
    if len(ids) <= SEARCH_ID_LIST_MAX:
        return queryset.filter(pk__in=ids)
    return queryset.filter(pk__in=matches.values("pk"))


def _probe(sql: str, q: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT %s", [q, SEARCH_ID_LIST_MAX + 1])
        return [row[0] for row in cursor.fetchall()]


def _postgres_search(queryset: QuerySet[Incident], q: str) -> QuerySet[Incident]:
    """Two cheap probes (GIN index, stopped after a few thousand rows) tell a usual search (a
    few matches: filter by their ids) from one matching most incidents, where the match is
    checked row by row as the list walks incidents newest first, stopping at a page."""
    query = "websearch_to_tsquery('english'::regconfig, %s)"
    in_incidents = _probe(f"SELECT id FROM core_incident WHERE {INCIDENT_TSVECTOR} @@ {query}", q)
    in_timeline = _probe(
        f"SELECT incident_id FROM core_timelineevent WHERE {TIMELINE_TSVECTOR} @@ {query}", q
    )
    if len(in_incidents) <= SEARCH_ID_LIST_MAX and len(in_timeline) <= SEARCH_ID_LIST_MAX:
        return queryset.filter(pk__in=set(in_incidents) | set(in_timeline))
    incident_text = INCIDENT_TSVECTOR.replace("coalesce(", 'coalesce("core_incident".')
    matches = RawSQL(
        f"({incident_text} @@ {query} OR EXISTS (SELECT 1 FROM core_timelineevent t "
        f'WHERE t.incident_id = "core_incident"."id" AND '
        f"to_tsvector('english'::regconfig, coalesce(t.text, '')) @@ {query}))",
        [q, q],
        output_field=BooleanField(),
    )
    return queryset.filter(matches)


def filtered_incidents(user, filters: IncidentFilters) -> QuerySet[Incident]:
    queryset = visible_incidents(user)
    if filters.status == "open":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif filters.status == "closed":
        queryset = queryset.filter(status__in=CLOSED_STATUSES)
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.severity:
        queryset = queryset.filter(severity_id=filters.severity)
    if filters.lead:
        queryset = queryset.filter(lead_id=filters.lead)
    tz = timezone.get_current_timezone()
    if filters.since:
        queryset = queryset.filter(reported_at__gte=datetime.combine(filters.since, time(), tz))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(), tz)
        queryset = queryset.filter(reported_at__lt=end)
    return search_incidents(queryset, filters.q)


class OpenFirst:
    """Open incidents first, then the rest, newest first in each part, as one sliceable sequence.

    Sorting the whole table by "is it open" would read every row for every page; two slices of
    two index-friendly queries read only what the page shows. Only the open part is counted (it
    is small); counting every closed incident would cost more than the page itself.
    """

    def __init__(self, queryset: QuerySet[Incident]):
        ordered = queryset.select_related("severity", "lead").order_by("-reported_at", "-id")
        self.open = ordered.filter(status__in=OPEN_STATUSES)
        self.closed = ordered.filter(status__in=CLOSED_STATUSES)
        self._open_count: int | None = None

    def open_count(self) -> int:
        if self._open_count is None:
            self._open_count = self.open.count()
        return self._open_count

    def __getitem__(self, index: slice) -> list[Incident]:
        start, stop = index.start or 0, index.stop
        split = self.open_count()
        rows: list[Incident] = []
        if start < split:
            rows += list(self.open[start : min(stop, split)])
        if stop > split:
            rows += list(self.closed[max(start - split, 0) : stop - split])
        return rows


@dataclass(frozen=True)
class Page:
    number: int
    rows: list
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def page_of(incidents: OpenFirst, number: str | int | None, size: int) -> Page:
    """One page, and whether another follows (read by asking for one row more than shown)."""
    try:
        page = max(int(number or 1), 1)
    except (TypeError, ValueError):
        page = 1
    start = (page - 1) * size
    rows = incidents[start : start + size + 1]
    return Page(number=page, rows=rows[:size], has_next=len(rows) > size)


def live_version(incident: Incident) -> int:
    """Changes whenever anything about the incident changes: every verb writes an audit row."""
    latest = AuditEvent.objects.filter(incident=incident).aggregate(latest=Max("id"))["latest"]
    return latest or 0


def timeline_of(incident: Incident) -> list[TimelineEvent]:
    return list(incident.timeline_events.select_related("author").order_by("timestamp", "id"))


def actions_of(incident: Incident) -> list[Action]:
    return list(incident.actions.select_related("owner").order_by("done", "created_at", "id"))


def participants_of(incident: Incident, limit: int = 12) -> list[Participant]:
    return list(
        incident.participants.select_related("user").order_by("-message_count", "id")[:limit]
    )


def people() -> QuerySet[ExternalUser]:
    """Who can lead an incident or own an action."""
    return (
        ExternalUser.objects.filter(is_bot=False, is_deleted=False)
        .only("display_name", "full_name", "external_id")
        .order_by("display_name", "full_name", "external_id")
    )


def leads_for_filter() -> QuerySet[ExternalUser]:
    # One index probe per person (EXISTS), rather than reading every incident's lead.
    led = Incident.objects.filter(lead=OuterRef("pk"))
    return (
        ExternalUser.objects.filter(Exists(led))
        .only("display_name", "full_name", "external_id")
        .order_by("display_name", "external_id")
    )
