"""Input types that keep impossible values out before they reach the database.

PostgreSQL refuses NUL characters in text and SQLite overflows past 64-bit integers; either would
surface as a 500. These types turn them into a 400 with the field named.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

MAX_ID = 2**63 - 1


def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _parse_datetime(value: object) -> object:
    # Only ISO 8601 text: pydantic alone would also read numbers ("0.5") as Unix times.
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and ISO_DATETIME.match(value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("must be an ISO 8601 date and time with a time zone")


def _parse_date(value: object) -> object:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("must be an ISO 8601 date (YYYY-MM-DD)")


def _to_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError("is out of range") from None


class InputSchema(BaseModel):
    """A request body: a JSON object whose values have exactly the documented types.

    Strict, so `"1"` is not an id and `0` is not `false`; dates and times are parsed from ISO 8601
    text before the strict check. (django-ninja's own Schema would also accept any object and read
    attributes from it, so a JSON list or string would pass as an empty body.)"""

    model_config = ConfigDict(strict=True, extra="ignore")


Text = Annotated[str, AfterValidator(_clean_text)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
UtcDatetime = Annotated[AwareDatetime, BeforeValidator(_parse_datetime), AfterValidator(_to_utc)]
IsoDate = Annotated[date, BeforeValidator(_parse_date)]
