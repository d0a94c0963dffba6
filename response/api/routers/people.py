"""Chat users known to Response, read-only. E-mail addresses only for staff."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router

from response.api import queries
from response.api.errors import ERRORS
from response.api.pagination import PageParams, paginate
from response.api.schemas import SeverityOut, UserOut, UserPage
from response.api.types import Id, Text
from response.core.errors import NotFound
from response.core.models import ExternalUser, Severity

router = Router(tags=["people"])

USER_SEARCH = Query(None, description="Part of the name, or the exact chat user id.")


@router.get("/users", response={200: UserPage, **ERRORS})
def list_users(
    request: HttpRequest,
    page: Query[PageParams],
    q: Annotated[Text, Field(max_length=200)] | None = USER_SEARCH,
):
    return paginate(queries.users_for(q), page)


@router.get("/users/{user_id}", response={200: UserOut, **ERRORS})
def get_user(request: HttpRequest, user_id: Id):
    user = ExternalUser.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound(f"There is no user with id {user_id}.", field="user_id")
    return user


@router.get("/severities", response={200: list[SeverityOut], **ERRORS}, tags=["incidents"])
def list_severities(request: HttpRequest):
    """The severity levels, most severe first."""
    return list(Severity.objects.order_by("rank"))
