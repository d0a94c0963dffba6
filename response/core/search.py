"""What a search for words finds: the same for the web UI and the REST API.

Incidents whose title, summary, impact or timeline contain the words. On PostgreSQL, full text
(`websearch_to_tsquery`: quotes, OR, -word) against the GIN expression indexes of migration
core/0004; on SQLite, every word must appear (case-insensitively) in one of those texts.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from response.core.models import Incident, TimelineEvent

# The same text the PostgreSQL expression indexes of migration core/0004 cover; keep them equal.
INCIDENT_TSVECTOR = (
    "to_tsvector('english'::regconfig, "
    "coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(impact, ''))"
)
TIMELINE_TSVECTOR = "to_tsvector('english'::regconfig, coalesce(text, ''))"
# Search: up to this many matching incidents are passed on as a list of ids.
SEARCH_ID_LIST_MAX = 2000


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
