from __future__ import annotations

from typing import Annotated

from django.db.models import QuerySet
from ninja import Field, Schema

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_OFFSET = 10_000_000


class PageParams(Schema):
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] = 0


def paginate(queryset: QuerySet, page: PageParams) -> dict:
    """A page with the total: COUNT, then the page's ids, then those rows with their joins.

    Three queries whatever the page size. Picking the ids first ("deferred join") lets the database
    sort and skip narrow (key, id) pairs instead of whole joined rows: at 100 000 incidents on
    SQLite it makes the first page about seven times faster and deep pages far cheaper.
    """
    count = queryset.count()
    end = page.offset + page.limit
    items: list = []
    if page.offset < count:
        ids = list(queryset.values_list("pk", flat=True)[page.offset : end])
        rows = queryset.model._base_manager.filter(pk__in=ids)
        rows.query.select_related = queryset.query.select_related
        rows._prefetch_related_lookups = queryset._prefetch_related_lookups
        by_id = {row.pk: row for row in rows}
        items = [by_id[pk] for pk in ids if pk in by_id]
    return {
        "count": count,
        "limit": page.limit,
        "offset": page.offset,
        "next_offset": end if end < count else None,
        "items": items,
    }
