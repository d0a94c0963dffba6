"""The API's reads: the core's visibility rule plus the joins each list needs.

Every list selects its related rows up front (select_related for foreign keys), so a page costs
the same number of queries whatever its size; tests/api pins the numbers.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from response.api.errors import Forbidden
from response.core.errors import InvalidInput, NotFound
from response.core.models import (
    Action,
    AffectedService,
    AuditEvent,
    ExternalUser,
    Incident,
    TimelineEvent,
)
from response.core.models.incident import TRIAGE_STATUSES
from response.core.search import search_incidents
from response.core.selectors import timeline_of, visible_incidents, with_field_values

INCIDENT_RELATED = ("severity", "type", "lead", "reporter")
ACTION_RELATED = ("owner", "created_by")


def check_can_write(request) -> None:
    token = getattr(request, "api_token", None)
    if token is not None and token.read_only:
        raise Forbidden(
            "This API token is read-only; ask for a token that may make changes.",
            extra={"token": token.prefix},
        )


def incidents_for(user) -> QuerySet[Incident]:
    return visible_incidents(user).select_related(*INCIDENT_RELATED).order_by("-reported_at", "-id")


def filter_incidents(
    incidents: QuerySet[Incident],
    *,
    status: list[str] | None = None,
    severity: list[str] | None = None,
    type: list[str] | None = None,
    lead_id: int | None = None,
    reporter_id: int | None = None,
    is_private: bool | None = None,
    reported_after: datetime | None = None,
    reported_before: datetime | None = None,
    q: str | None = None,
    triage: bool = False,
    service: list[str] | None = None,
) -> QuerySet[Incident]:
    """`triage`: include triage incidents (an alert's, waiting or declined), which are not
    incidents yet and stay out of lists and figures unless asked for (or a status of theirs)."""
    if not triage and not set(status or ()) & set(TRIAGE_STATUSES):
        incidents = incidents.exclude(status__in=TRIAGE_STATUSES)
    if status:
        incidents = incidents.filter(status__in=status)
    if severity:
        wanted = Q()
        for slug in severity:
            wanted |= Q(severity__isnull=True) if slug == "unset" else Q(severity__slug=slug)
        incidents = incidents.filter(wanted)
    if type:
        wanted = Q()
        for slug in type:
            wanted |= Q(type__isnull=True) if slug == "none" else Q(type__slug=slug)
        incidents = incidents.filter(wanted)
    if lead_id is not None:
        incidents = incidents.filter(lead_id=lead_id)
    if reporter_id is not None:
        incidents = incidents.filter(reporter_id=reporter_id)
    if is_private is not None:
        incidents = incidents.filter(is_private=is_private)
    if reported_after is not None:
        incidents = incidents.filter(reported_at__gte=reported_after)
    if reported_before is not None:
        incidents = incidents.filter(reported_at__lt=reported_before)
    if service:
        # A subquery, not a join: an incident affecting two of the services is listed once.
        affected = AffectedService.objects.filter(
            incident_id=OuterRef("pk"), service__slug__in=service
        )
        incidents = incidents.filter(Exists(affected))
    if q:
        incidents = search_incidents(incidents, q)
    return incidents


def check_incident(user, incident_id: int, *, detail: bool = False) -> Incident:
    """The incident, if this user may see it. Invisible and missing look the same: 404."""
    incidents = incidents_for(user)
    if detail:
        incidents = incidents.prefetch_related(
            Prefetch("actions", queryset=Action.objects.select_related(*ACTION_RELATED)),
            "services",
        )
    incident = incidents.filter(pk=incident_id).first()
    if incident is None:
        raise NotFound(f"Incident #{incident_id} does not exist.", field="incident_id")
    with_field_values([incident])  # no query without a type
    return incident


def incident_detail(incident_id: int) -> Incident:
    """The incident as a write left it, for the response to that write.

    Not filtered by visibility: whoever just changed it may see the result, even when the change
    (making it private) or the rule (a declarer with no linked chat account is not "involved")
    hides it from their later reads."""
    return (
        Incident.objects.select_related(*INCIDENT_RELATED)
        .prefetch_related(
            Prefetch("actions", queryset=Action.objects.select_related(*ACTION_RELATED)),
            "services",
        )
        .get(pk=incident_id)
    )


def check_user(user_id: int | None, *, field: str) -> ExternalUser | None:
    if user_id is None:
        return None
    found = ExternalUser.objects.filter(pk=user_id).first()
    if found is None:
        raise InvalidInput(f"There is no user with id {user_id}.", field=field)
    return found


def actions_for(user) -> QuerySet[Action]:
    return (
        Action.objects.filter(incident__in=visible_incidents(user).values("pk"))
        .select_related(*ACTION_RELATED)
        .order_by("done", "due_date", "created_at", "id")
    )


def filter_actions(
    actions: QuerySet[Action],
    *,
    incident_id: int | None = None,
    owner_id: int | None = None,
    done: bool | None = None,
    overdue: bool | None = None,
) -> QuerySet[Action]:
    if incident_id is not None:
        actions = actions.filter(incident_id=incident_id)
    if owner_id is not None:
        actions = actions.filter(owner_id=owner_id)
    if done is not None:
        actions = actions.filter(done=done)
    if overdue is not None:
        is_overdue = Q(done=False, due_date__lt=timezone.localdate())
        actions = actions.filter(is_overdue) if overdue else actions.exclude(is_overdue)
    return actions


def check_action(user, action_id: int) -> Action:
    action = actions_for(user).filter(pk=action_id).first()
    if action is None:
        raise NotFound(f"Follow-up action #{action_id} does not exist.", field="action_id")
    return action


def check_timeline_event(incident: Incident, event_id: int) -> TimelineEvent:
    entry = timeline_of(incident).filter(pk=event_id).first()
    if entry is None:
        raise NotFound(
            f"Incident #{incident.pk} has no timeline entry #{event_id}.", field="event_id"
        )
    return entry


def audit_events_for(user) -> QuerySet[AuditEvent]:
    """Staff read the whole log; others the events of incidents they may see."""
    events = AuditEvent.objects.order_by("id")
    if getattr(user, "is_staff", False):
        return events
    return events.filter(incident__in=visible_incidents(user).values("pk"))


def users_for(q: str | None = None) -> QuerySet[ExternalUser]:
    users = ExternalUser.objects.order_by("display_name", "external_id", "id")
    if q:
        users = users.filter(
            Q(display_name__icontains=q) | Q(full_name__icontains=q) | Q(external_id__iexact=q)
        )
    return users
