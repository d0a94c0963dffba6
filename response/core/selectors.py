"""Reads. Nouns, not verbs; each returns a queryset or plain data and writes nothing."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from response.core.models import Incident
from response.core.models.incident import OPEN_STATUSES


def visible_incidents(user) -> QuerySet[Incident]:
    """Incidents this Django user may see. Private ones only for staff and the people involved
    (reporter, lead, participants), through the chat accounts linked to the user."""
    incidents = Incident.objects.all()
    if user is not None and getattr(user, "is_staff", False):
        return incidents
    public = Q(is_private=False)
    if user is None or not user.is_authenticated:
        return incidents.filter(public)
    involved = Q(reporter__user=user) | Q(lead__user=user) | Q(participants__user__user=user)
    private_ids = Incident.objects.filter(Q(is_private=True) & involved).values("pk")
    return incidents.filter(public | Q(pk__in=private_ids))


def open_incidents() -> QuerySet[Incident]:
    return Incident.objects.filter(status__in=OPEN_STATUSES).select_related("severity", "lead")
