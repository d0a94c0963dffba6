"""Incidents by month and summary statistics, over the incidents this user may see."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema

from response.api import reports
from response.api.auth import ApiRequest
from response.api.errors import ERRORS
from response.api.schemas import MonthOut, SummaryOut
from response.api.types import UtcDatetime

router = Router(tags=["statistics"])


class Period(Schema):
    reported_after: UtcDatetime | None = Field(None, description="Reported at or after.")
    reported_before: UtcDatetime | None = Field(None, description="Reported before.")


@router.get("/stats/incidents-by-month", response={200: list[MonthOut], **ERRORS})
def incidents_by_month(request: ApiRequest, period: Query[Period]):
    return reports.incidents_by_month(request.auth, **period.model_dump())


@router.get("/stats/summary", response={200: SummaryOut, **ERRORS})
def summary(request: ApiRequest, period: Query[Period]):
    """Counts, and time to resolve (start to resolution) by severity."""
    return reports.summary(request.auth, **period.model_dump())
