"""Reads for the web pages. Every page's query count is constant (tests pin it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, Max, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from response.core.models import (
    Action,
    AffectedService,
    AuditEvent,
    ExternalUser,
    Incident,
    IncidentType,
    Participant,
    Service,
)
from response.core.models.incident import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    TRIAGE_STATUSES,
    Status,
)
from response.core.paging import page_of
from response.core.search import search_incidents
from response.core.selectors import visible_incidents


@dataclass(frozen=True)
class IncidentFilters:
    q: str = ""
    status: str = ""  # "", "open", "closed" or a Status value ("triage", "declined": alerts')
    severity: int | None = None
    type: str = ""  # a type's slug, or "none"
    lead: int | None = None
    service: int | None = None
    since: date | None = None
    until: date | None = None


def incident_or_404(user, pk: int) -> Incident:
    """The incident, if this user may see it; private ones are a 404 for everyone else."""
    queryset = visible_incidents(user).select_related("severity", "type", "lead", "reporter")
    # Whether there are types to choose from, asked in the same query (response.web.types).
    queryset = queryset.annotate(types_offered=Exists(IncidentType.objects.filter(archived=False)))
    incident = queryset.filter(pk=pk).first()
    if incident is None:
        raise Http404("No such incident.")
    return incident


def filtered_incidents(user, filters: IncidentFilters) -> QuerySet[Incident]:
    """Triage incidents (an alert's, waiting or declined) are listed only when their status is
    asked for: they are not incidents yet."""
    queryset = visible_incidents(user)
    if filters.status not in TRIAGE_STATUSES:
        queryset = queryset.exclude(status__in=TRIAGE_STATUSES)
    if filters.status == "open":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif filters.status == "closed":
        queryset = queryset.filter(status__in=CLOSED_STATUSES)
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.severity:
        queryset = queryset.filter(severity_id=filters.severity)
    if filters.type == "none":
        queryset = queryset.filter(type__isnull=True)
    elif filters.type:
        queryset = queryset.filter(type__slug=filters.type)
    if filters.lead:
        queryset = queryset.filter(lead_id=filters.lead)
    if filters.service:
        affected = AffectedService.objects.filter(
            incident_id=OuterRef("pk"), service_id=filters.service
        )
        queryset = queryset.filter(Exists(affected))
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
        ordered = queryset.select_related("severity", "type", "lead").order_by(
            "-reported_at", "-id"
        )
        # Triage incidents are here only when filtered for: waiting ones first, like open ones.
        self.open = ordered.filter(status__in=(*OPEN_STATUSES, Status.TRIAGE))
        self.closed = ordered.filter(status__in=(*CLOSED_STATUSES, Status.DECLINED))
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
class ListPage:
    """A page of the list as the template reads it: by number, newer and older."""

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


def list_page(incidents: OpenFirst, number: str | int | None, size: int) -> ListPage:
    try:
        page = max(int(number or 1), 1)
    except (TypeError, ValueError):
        page = 1
    cut = page_of(incidents, offset=(page - 1) * size, limit=size)
    return ListPage(number=page, rows=cut.items, has_next=cut.has_next)


def live_version(incident: Incident) -> int:
    """Changes whenever anything about the incident changes: every verb writes an audit row."""
    latest = AuditEvent.objects.filter(incident=incident).aggregate(latest=Max("id"))["latest"]
    return latest or 0


def services_for(incident: Incident) -> list[tuple[str, str, bool]]:
    """The catalog's services (slug, name, whether the incident affects it), in one query."""
    affected = AffectedService.objects.filter(incident=incident, service_id=OuterRef("pk"))
    return [
        (slug, name, is_affected)
        for slug, name, is_affected in Service.objects.annotate(
            is_affected=Exists(affected)
        ).values_list("slug", "name", "is_affected")
    ]


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


def leads_for_filter(user) -> QuerySet[ExternalUser]:
    """The people who lead an incident this user may see (someone who leads only private
    incidents is not named to others). One index probe per person (EXISTS), rather than
    reading every incident's lead."""
    led = visible_incidents(user).filter(lead=OuterRef("pk"))
    return (
        ExternalUser.objects.filter(Exists(led))
        .only("display_name", "full_name", "external_id")
        .order_by("display_name", "external_id")
    )
