"""The service catalog: teams and services, read by anyone with a token, kept by staff.

Saved through the same core verbs as `response catalog import` (validated, audited); a slug
names an entry for good, so it is the URL's key."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import Prefetch, Q, QuerySet
from ninja import Field, Query, Router, Status
from pydantic import BaseModel

from response.api import queries
from response.api.auth import ApiRequest
from response.api.errors import ERRORS, ERRORS_WRITE, Forbidden
from response.api.pagination import PageParams, paginate
from response.api.schemas import OutputSchema, Page, UserOut
from response.api.types import Id, InputSchema, Text
from response.core import verbs
from response.core.errors import Conflict, InvalidInput, NotFound
from response.core.models import ExternalUser, Service, Team

router = Router(tags=["catalog"])

Slug = Annotated[Text, Field(min_length=1, max_length=64, pattern=r"^[-a-zA-Z0-9_]+$")]
Name = Annotated[Text, Field(min_length=1, max_length=128)]
Url = Annotated[Text, Field(max_length=500)]
SEARCH = Query(None, description="Part of the name or slug.")
TEAM_FILTER = Query(None, description="Only this team's services (its slug).")


# --- Schemas --------------------------------------------------------------------------------------


class TeamRefOut(BaseModel):
    slug: str
    name: str


class TeamOut(OutputSchema):
    id: int
    slug: str
    name: str
    description: str
    slack_usergroup_handle: str = Field(description="Without the @; invited with its services.")
    slack_usergroup_id: str
    owners: list[UserOut]

    @classmethod
    def from_model(cls, obj: Team, *, staff: bool) -> dict[str, Any]:
        return {
            **{f: getattr(obj, f) for f in cls.model_fields if f != "owners"},
            "id": obj.pk,
            "owners": list(obj.owners.all()),
        }


class ServiceOut(OutputSchema):
    id: int
    slug: str
    name: str
    description: str
    team: TeamRefOut | None
    tier: int | None = Field(description="1 (critical) to 3; null when not set.")
    runbook_url: str
    dashboard_url: str
    owners: list[UserOut]

    @classmethod
    def from_model(cls, obj: Service, *, staff: bool) -> dict[str, Any]:
        return {
            **{f: getattr(obj, f) for f in cls.model_fields if f not in {"team", "owners"}},
            "id": obj.pk,
            "team": {"slug": obj.team.slug, "name": obj.team.name} if obj.team else None,
            "owners": list(obj.owners.all()),
        }


class TeamPage(Page):
    items: list[TeamOut]


class ServicePage(Page):
    items: list[ServiceOut]


class TeamIn(InputSchema):
    slug: Slug
    name: Name
    description: Text = ""
    slack_usergroup_handle: Annotated[Text, Field(max_length=64)] = ""
    slack_usergroup_id: Annotated[Text, Field(max_length=32)] = ""
    owner_ids: list[Id] | None = Field(None, description="User ids; left out: unchanged.")


# A patch changes the fields given; the slug stays (it is the URL).
class TeamPatch(InputSchema):
    name: Name = None  # type: ignore[assignment]
    description: Text = None  # type: ignore[assignment]
    slack_usergroup_handle: Annotated[Text, Field(max_length=64)] = None  # type: ignore[assignment]
    slack_usergroup_id: Annotated[Text, Field(max_length=32)] = None  # type: ignore[assignment]
    owner_ids: list[Id] = None  # type: ignore[assignment]


class ServiceIn(InputSchema):
    slug: Slug
    name: Name
    description: Text = ""
    team: Slug | None = Field(None, description="The owning team's slug.")
    tier: int | None = Field(None, ge=1, le=3)
    runbook_url: Url = ""
    dashboard_url: Url = ""
    owner_ids: list[Id] | None = Field(None, description="User ids; left out: unchanged.")


class ServicePatch(InputSchema):
    name: Name = None  # type: ignore[assignment]
    description: Text = None  # type: ignore[assignment]
    team: Slug | None = Field(None, description="The owning team's slug; null: no team.")
    tier: int | None = Field(None, ge=1, le=3)
    runbook_url: Url = None  # type: ignore[assignment]
    dashboard_url: Url = None  # type: ignore[assignment]
    owner_ids: list[Id] = None  # type: ignore[assignment]


# --- Reads ----------------------------------------------------------------------------------------

OWNERS = Prefetch("owners", queryset=ExternalUser.objects.order_by("display_name", "id"))


def teams() -> QuerySet[Team]:
    return Team.objects.prefetch_related(OWNERS).order_by("name", "slug")


def services() -> QuerySet[Service]:
    return Service.objects.select_related("team").prefetch_related(OWNERS).order_by("name", "slug")


def check_team(slug: str) -> Team:
    team = teams().filter(slug=slug).first()
    if team is None:
        raise NotFound(f"There is no team “{slug}”.", field="slug")
    return team


def check_service(slug: str) -> Service:
    service = services().filter(slug=slug).first()
    if service is None:
        raise NotFound(f"There is no service “{slug}”.", field="slug")
    return service


def check_can_keep_catalog(request: ApiRequest) -> None:
    queries.check_can_write(request)
    if not getattr(request.auth, "is_staff", False):
        raise Forbidden("Only staff keep the service catalog.")


def owners_of(ids: list[int] | None) -> list[ExternalUser] | None:
    if ids is None:
        return None
    found = {u.pk: u for u in ExternalUser.objects.filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput(
            f"There is no user with id {', '.join(map(str, missing))}.", field="owner_ids"
        )
    return [found[i] for i in ids]


# --- Teams ----------------------------------------------------------------------------------------


@router.get("/teams", response={200: TeamPage, **ERRORS})
def list_teams(
    request: ApiRequest,
    page: Query[PageParams],
    q: Annotated[Text, Field(max_length=200)] | None = SEARCH,
):
    found = teams()
    if q:
        found = found.filter(Q(name__icontains=q) | Q(slug__icontains=q))
    return paginate(found, page)


@router.get("/teams/{slug}", response={200: TeamOut, **ERRORS})
def get_team(request: ApiRequest, slug: Slug):
    return check_team(slug)


@router.post("/teams", response={201: TeamOut, **ERRORS_WRITE})
def create_team(request: ApiRequest, payload: TeamIn):
    """409 when the slug is taken (PATCH changes a team)."""
    check_can_keep_catalog(request)
    if Team.objects.filter(slug=payload.slug).exists():
        raise Conflict(f"The team “{payload.slug}” exists already.", field="slug")
    fields = payload.model_dump()
    owners = owners_of(fields.pop("owner_ids"))
    team, _ = verbs.save_team(**fields, owners=owners, by=request.auth)
    return Status(201, check_team(team.slug))


@router.patch("/teams/{slug}", response={200: TeamOut, **ERRORS_WRITE})
def update_team(request: ApiRequest, slug: Slug, payload: TeamPatch):
    check_can_keep_catalog(request)
    team = check_team(slug)
    changes = payload.model_dump(exclude_unset=True)
    owners = owners_of(changes.pop("owner_ids", None))
    fields = {f: getattr(team, f) for f in TeamIn.model_fields if f not in {"slug", "owner_ids"}}
    verbs.save_team(slug=slug, **{**fields, **changes}, owners=owners, by=request.auth)
    return check_team(slug)


@router.delete("/teams/{slug}", response={204: None, **ERRORS_WRITE})
def delete_team(request: ApiRequest, slug: Slug):
    """Its services stay, with no team."""
    check_can_keep_catalog(request)
    verbs.delete_team(check_team(slug), by=request.auth)
    return Status(204, None)


# --- Services -------------------------------------------------------------------------------------


@router.get("/services", response={200: ServicePage, **ERRORS})
def list_services(
    request: ApiRequest,
    page: Query[PageParams],
    team: Slug | None = TEAM_FILTER,
    q: Annotated[Text, Field(max_length=200)] | None = SEARCH,
):
    found = services()
    if team:
        found = found.filter(team__slug=team)
    if q:
        found = found.filter(Q(name__icontains=q) | Q(slug__icontains=q))
    return paginate(found, page)


@router.get("/services/{slug}", response={200: ServiceOut, **ERRORS})
def get_service(request: ApiRequest, slug: Slug):
    return check_service(slug)


@router.post("/services", response={201: ServiceOut, **ERRORS_WRITE})
def create_service(request: ApiRequest, payload: ServiceIn):
    """409 when the slug is taken (PATCH changes a service)."""
    check_can_keep_catalog(request)
    if Service.objects.filter(slug=payload.slug).exists():
        raise Conflict(f"The service “{payload.slug}” exists already.", field="slug")
    fields = payload.model_dump()
    owners = owners_of(fields.pop("owner_ids"))
    service, _ = verbs.save_service(**fields, owners=owners, by=request.auth)
    return Status(201, check_service(service.slug))


@router.patch("/services/{slug}", response={200: ServiceOut, **ERRORS_WRITE})
def update_service(request: ApiRequest, slug: Slug, payload: ServicePatch):
    check_can_keep_catalog(request)
    service = check_service(slug)
    changes = payload.model_dump(exclude_unset=True)
    owners = owners_of(changes.pop("owner_ids", None))
    fields: dict[str, Any] = {
        "name": service.name,
        "description": service.description,
        "team": service.team,
        "tier": service.tier,
        "runbook_url": service.runbook_url,
        "dashboard_url": service.dashboard_url,
    }
    verbs.save_service(slug=slug, **{**fields, **changes}, owners=owners, by=request.auth)
    return check_service(slug)


@router.delete("/services/{slug}", response={204: None, **ERRORS_WRITE})
def delete_service(request: ApiRequest, slug: Slug):
    """Incidents it affected no longer name it (their timelines still do)."""
    check_can_keep_catalog(request)
    verbs.delete_service(check_service(slug), by=request.auth)
    return Status(204, None)
