from __future__ import annotations

from typing import Annotated

from django.db.models import QuerySet
from ninja import Field, Schema

from response.core.paging import page_of

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_OFFSET = 10_000_000


class PageParams(Schema):
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] = 0


def paginate(queryset: QuerySet, page: PageParams) -> dict:
    """A page with the total (response.core.paging: a COUNT, the page's ids, those rows)."""
    result = page_of(queryset, offset=page.offset, limit=page.limit, count=True)
    return {
        "count": result.count,
        "limit": result.limit,
        "offset": result.offset,
        "next_offset": result.next_offset,
        "items": result.items,
    }
