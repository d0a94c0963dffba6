"""One way to cut a list of rows into pages, for the web UI and the REST API.

A queryset is read with a "deferred join": the page's ids first (the database sorts and skips
narrow (key, id) pairs), then those rows with their joins; at 100 000 incidents on SQLite that
made the first page about seven times faster and deep pages far cheaper. Anything else that
slices (the web list's open-first sequence) is sliced. Whether another page follows is known by
reading one row more than shown; the total (a COUNT) only when asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import QuerySet


class Sliceable(Protocol):
    """What can be paged besides a queryset: a list, or a sequence that reads its slices."""

    def __getitem__(self, index: slice, /) -> Iterable[Any]: ...


@dataclass(frozen=True)
class Page:
    items: list[Any]
    offset: int
    limit: int
    has_next: bool
    count: int | None = None  # only when asked for

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.has_next else None


def page_of(
    rows: QuerySet[Any] | Sliceable, *, offset: int, limit: int, count: bool = False
) -> Page:
    total = rows.count() if count and isinstance(rows, QuerySet) else None
    if total is not None and offset >= total:
        return Page([], offset, limit, has_next=False, count=total)
    if isinstance(rows, QuerySet):
        items = _deferred_join(rows, offset, offset + limit + 1)
    else:
        items = list(rows[offset : offset + limit + 1])
    return Page(items[:limit], offset, limit, has_next=len(items) > limit, count=total)


def _deferred_join(queryset: QuerySet[Any], start: int, end: int) -> list[Any]:
    ids = list(queryset.values_list("pk", flat=True)[start:end])
    if not ids:
        return []
    rows = queryset.model._base_manager.filter(pk__in=ids)
    rows.query.select_related = queryset.query.select_related
    rows._prefetch_related_lookups = queryset._prefetch_related_lookups  # type: ignore[attr-defined]
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]
