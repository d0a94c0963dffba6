"""What the API reads and writes. Output schemas read model attributes; no queries happen here
beyond what the selector prefetched (the list tests pin the query counts)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, get_args

from django.db import models
from pydantic import BaseModel, Field, ValidationInfo, model_validator

from response.api.types import Id, InputSchema, IsoDate, Text, UtcDatetime
from response.core.chat import ChatPlace, place_of
from response.core.durations import key_durations
from response.core.fields import FieldKind
from response.core.models import (
    Action,
    AuditEvent,
    ExternalUser,
    Incident,
    IncidentType,
    PostMortemSection,
    PostMortemState,
    Severity,
    Status,
    TimelineEvent,
)
from response.core.models.postmortem import SECTION_KEYS, SECTION_MAX_LENGTH
from response.core.roles import Role
from response.core.selectors import field_values_of, role_holders

StatusName = Literal[
    "triage", "investigating", "identified", "monitoring", "resolved", "reported", "declined"
]
OpenStatusName = Literal["investigating", "identified", "monitoring"]
PriorityName = Literal["high", "medium", "low"]
TrackerName = Literal["jira", "github"]
TimelineKindName = Literal[
    "declared", "status", "severity", "lead", "field", "update", "message", "note", "action", "role"
]
assert set(get_args(StatusName)) == set(Status.values)
assert set(get_args(PriorityName)) == set(Action.Priority.values)
assert set(get_args(TrackerName)) == set(Action.Tracker.values)
assert set(get_args(TimelineKindName)) == set(TimelineEvent.Kind.values)


def _is_staff(context: Any) -> bool:
    request = (context or {}).get("request")
    user = getattr(request, "auth", None)
    return bool(getattr(user, "is_staff", False))


class OutputSchema(BaseModel):
    """A response body read from a model instance by `from_model`, written out field by field.

    Plain pydantic rather than django-ninja's Schema: ninja resolves every attribute through a
    Python wrapper, which cost ~0.25 ms per incident (most of a 50-incident page). Here the model
    becomes a dict once and pydantic validates it natively. `from_model` reads only what the
    selector already fetched, so serialising adds no queries.
    """

    @model_validator(mode="before")
    @classmethod
    def _from_model(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, models.Model):
            return cls.from_model(value, staff=_is_staff(info.context))
        return value

    @classmethod
    def from_model(cls, obj: Any, *, staff: bool) -> dict[str, Any]:
        raise NotImplementedError


# --- People ---------------------------------------------------------------------------------------


class UserOut(OutputSchema):
    """A chat user known to Response. `email` is only given to staff."""

    id: int
    app: str
    workspace_id: str
    external_id: str
    name: str
    display_name: str
    full_name: str
    email: str | None
    time_zone: str
    is_bot: bool
    is_deleted: bool

    @classmethod
    def from_model(cls, obj: ExternalUser, *, staff: bool) -> dict[str, Any]:
        return {
            "id": obj.pk,
            "app": obj.app,
            "workspace_id": obj.workspace_id,
            "external_id": obj.external_id,
            "name": obj.name,
            "display_name": obj.display_name,
            "full_name": obj.full_name,
            "email": obj.email if staff else None,
            "time_zone": obj.time_zone,
            "is_bot": obj.is_bot,
            "is_deleted": obj.is_deleted,
        }


class SeverityOut(OutputSchema):
    slug: str
    name: str
    rank: int
    emoji: str
    description: str
    update_cadence_mins: int | None

    @classmethod
    def from_model(cls, obj: Severity, *, staff: bool) -> dict[str, Any]:
        return {f: getattr(obj, f) for f in cls.model_fields}


class CustomFieldOut(BaseModel):
    key: str
    label: str
    kind: Literal["single_select", "multi_select", "text", "number", "link"]
    options: list[str]
    required: bool
    default: Any = Field(description="Taken when the field is left out when declaring.")
    help_text: str


assert set(get_args(CustomFieldOut.model_fields["kind"].annotation)) == set(FieldKind.values)


class IncidentTypeOut(OutputSchema):
    slug: str
    name: str

    @classmethod
    def from_model(cls, obj: IncidentType, *, staff: bool) -> dict[str, Any]:
        return {"slug": obj.slug, "name": obj.name}


class IncidentTypeDetailOut(IncidentTypeOut):
    description: str
    private_by_default: bool
    archived: bool = Field(description="No longer offered when declaring.")
    fields: list[CustomFieldOut]

    @classmethod
    def from_model(cls, obj: IncidentType, *, staff: bool) -> dict[str, Any]:
        return {
            **super().from_model(obj, staff=staff),
            "description": obj.description,
            "private_by_default": obj.private_by_default,
            "archived": obj.archived,
            "fields": [
                {
                    "key": spec.key,
                    "label": spec.label,
                    "kind": spec.kind.value,
                    "options": list(spec.options),
                    "required": spec.required,
                    "default": spec.default,
                    "help_text": spec.help_text,
                }
                for spec in (f.spec() for f in obj.fields.all())
            ],
        }


# --- Incidents ------------------------------------------------------------------------------------

INCIDENT_FIELDS = (
    "title",
    "summary",
    "impact",
    "status",
    "is_private",
    "is_report_only",
    "started_at",
    "detected_at",
    "reported_at",
    "acknowledged_at",
    "mitigated_at",
    "identified_at",
    "monitoring_at",
    "resolved_at",
    "last_update_at",
    "updated_at",
)


class IncidentOut(OutputSchema):
    id: int
    title: str
    summary: str
    impact: str
    status: StatusName
    severity: SeverityOut | None
    type: IncidentTypeOut | None
    fields: dict[str, Any] = Field(
        description="The answers to the type's custom fields, by key (GET /api/types)."
    )
    lead: UserOut | None
    reporter: UserOut | None
    is_private: bool
    is_report_only: bool
    started_at: datetime = Field(description="Key time: when the impact started.")
    detected_at: datetime | None = Field(description="Key time: when it was noticed.")
    reported_at: datetime = Field(description="Key time: when Response heard of it.")
    acknowledged_at: datetime | None = Field(description="Key time: when someone took it on.")
    mitigated_at: datetime | None = Field(description="Key time: when the impact stopped.")
    identified_at: datetime | None
    monitoring_at: datetime | None
    resolved_at: datetime | None
    last_update_at: datetime | None
    updated_at: datetime
    duration_seconds: int = Field(description="Start to resolution, or to now while open.")
    time_to_detect_seconds: int | None = Field(description="From the impact's start; read-only.")
    time_to_acknowledge_seconds: int | None = Field(description="From the impact's start.")
    time_to_mitigate_seconds: int | None = Field(description="From the impact's start.")
    time_to_resolve_seconds: int | None = Field(description="From the impact's start.")

    @classmethod
    def from_model(cls, obj: Incident, *, staff: bool) -> dict[str, Any]:
        data = {f: getattr(obj, f) for f in INCIDENT_FIELDS}
        data.update(
            id=obj.pk,
            severity=obj.severity,
            type=obj.type if obj.type_id else None,
            fields=field_values_of(obj),
            lead=obj.lead,
            reporter=obj.reporter,
            duration_seconds=int(obj.duration().total_seconds()),
        )
        data.update(
            (f"{d.name}_seconds", int(d.value.total_seconds()) if d.value is not None else None)
            for d in key_durations(obj)
        )
        return data


class IncidentLinksOut(BaseModel):
    channel_id: str | None = None
    channel_name: str | None = None
    channel_url: str | None = None
    headline_post_url: str | None = None


class ActionOut(OutputSchema):
    id: int
    incident_id: int
    text: str
    owner: UserOut | None
    created_by: UserOut | None
    due_date: date | None
    priority: PriorityName
    done: bool
    done_at: datetime | None
    overdue: bool
    external_url: str
    tracker: TrackerName | None = Field(
        description="The issue tracker it is exported (or being exported) to."
    )
    tracker_key: str = Field(description="The issue there (OPS-12, owner/repo#7), once created.")
    tracker_url: str
    tracker_error: str = Field(description="Why the tracker refused the last export, if it did.")
    created_at: datetime

    @classmethod
    def from_model(cls, obj: Action, *, staff: bool) -> dict[str, Any]:
        return {
            "id": obj.pk,
            "incident_id": obj.incident_id,
            "text": obj.text,
            "owner": obj.owner,
            "created_by": obj.created_by,
            "due_date": obj.due_date,
            "priority": obj.priority,
            "done": obj.done,
            "done_at": obj.done_at,
            "overdue": obj.is_overdue(),
            "external_url": obj.external_url,
            "tracker": obj.tracker or None,
            "tracker_key": obj.tracker_key,
            "tracker_url": obj.tracker_url,
            "tracker_error": obj.tracker_error,
            "created_at": obj.created_at,
        }


class RoleOut(BaseModel):
    """A role people take in incidents (response.core.roles: built in, or from RESPONSE_ROLES)."""

    slug: str
    name: str
    description: str
    instructions: str

    @classmethod
    def of(cls, role: Role) -> RoleOut:
        return cls(
            slug=role.slug,
            name=role.name,
            description=role.description,
            instructions=role.instructions,
        )


class RoleHolderOut(BaseModel):
    role: RoleOut
    holder: UserOut | None = Field(description="Who holds it; null: nobody yet.")


class RoleHolderIn(InputSchema):
    user_id: Id = Field(description="The user who takes the role.")


class ServiceRefOut(BaseModel):
    """A service of the catalog an incident affects (the catalog: /api/services)."""

    id: int
    slug: str
    name: str


class IncidentDetailOut(IncidentOut):
    links: IncidentLinksOut
    actions: list[ActionOut]
    roles: list[RoleHolderOut] = Field(description="Every role, the lead first, with its holder.")
    services: list[ServiceRefOut] = Field(description="The services it affects, by name.")

    @classmethod
    def from_model(cls, obj: Incident, *, staff: bool) -> dict[str, Any]:
        place = place_of(obj) or ChatPlace()
        return {
            **super().from_model(obj, staff=staff),
            "links": {
                "channel_id": place.channel_id,
                "channel_name": place.channel_name,
                "channel_url": place.channel_url,
                "headline_post_url": place.headline_url,
            },
            "actions": list(obj.actions.all()),
            "roles": [{"role": RoleOut.of(h.role), "holder": h.holder} for h in role_holders(obj)],
            "services": [
                {"id": s.pk, "slug": s.slug, "name": s.name}
                for s in sorted(obj.services.all(), key=lambda s: (s.name, s.slug))
            ],
        }


class IncidentIn(InputSchema):
    title: Text = Field(min_length=1, max_length=255)
    summary: Text = ""
    impact: Text = ""
    severity: Text | None = Field(None, description="Slug, name or rank (1 is most severe).")
    lead_id: Id | None = None
    type: Text | None = Field(None, description="A type's slug, name or id (GET /api/types).")
    fields: dict[str, Any] | None = Field(
        None, description="Answers to the type's fields by key; defaults fill the rest."
    )
    is_private: bool | None = Field(
        None, description="Left out: as the type has it (private by default or not)."
    )
    is_report_only: bool = Field(False, description="Declared after the fact: already resolved.")
    started_at: UtcDatetime | None = None
    services: list[Annotated[Text, Field(max_length=128)]] = Field(
        [], description="The services it affects: slugs, names or ids (/api/services)."
    )
    dedup_key: Text | None = Field(
        None,
        max_length=150,
        description="A key from the alert that caused this incident: the same key declares once.",
    )


# In a patch, a field left out is not changed and, for the fields not typed `| None`, null is
# refused (400). Their `None` default only marks "left out" (read with exclude_unset), which
# mypy cannot tell from a nullable type: hence the ignores.
class IncidentPatch(InputSchema):
    title: Text = Field(None, min_length=1, max_length=255)  # type: ignore[assignment]
    summary: Text = None  # type: ignore[assignment]
    impact: Text = None  # type: ignore[assignment]
    started_at: UtcDatetime = None  # type: ignore[assignment]
    # The other key times (null: nobody knows when); checked in order with the start.
    detected_at: UtcDatetime | None = Field(None, description="Null when nobody knows.")
    acknowledged_at: UtcDatetime | None = Field(None, description="Null when nobody knows.")
    mitigated_at: UtcDatetime | None = Field(None, description="Null when nobody knows.")
    resolved_at: UtcDatetime = Field(  # type: ignore[assignment]
        None, description="Corrects when a resolved incident was resolved."
    )
    is_private: bool = None  # type: ignore[assignment]
    severity: Text | None = Field(None, description="Slug, name or rank; null unsets it.")
    lead_id: Id | None = Field(None, description="A user id; null removes the lead.")
    type: Text | None = Field(
        None,
        description="A type's slug, name or id; null removes it. A new type's fields start "
        "from their defaults.",
    )
    fields: dict[str, Any] = Field(
        None,  # type: ignore[arg-type]
        description="The answers that change, by key; null clears one.",
    )
    status: Literal["investigating", "identified", "monitoring", "resolved"] = Field(
        None,  # type: ignore[arg-type]
        description="Moves the incident on; resolved incidents are reopened with /reopen.",
    )
    services: list[Annotated[Text, Field(max_length=128)]] = Field(
        None,  # type: ignore[arg-type]
        description="The services it affects (slugs, names or ids), all of them: [] for none. "
        "Their teams' Slack user groups are invited. An unknown service is refused (400).",
    )


class ResolveIn(InputSchema):
    at: UtcDatetime | None = Field(None, description="When it was resolved; default now.")


class ReopenIn(InputSchema):
    status: OpenStatusName = "investigating"


class StatusUpdateIn(InputSchema):
    text: Text = Field(min_length=1, max_length=10_000)


# --- Actions --------------------------------------------------------------------------------------


class ActionIn(InputSchema):
    text: Text = Field(min_length=1, max_length=10_000)
    owner_id: Id | None = None
    due_date: IsoDate | None = None
    priority: PriorityName = "medium"
    external_url: Text = Field("", max_length=500)


class ActionPatch(InputSchema):
    text: Text = Field(None, min_length=1, max_length=10_000)  # type: ignore[assignment]
    owner_id: Id | None = None
    due_date: IsoDate | None = None
    priority: PriorityName = None  # type: ignore[assignment]
    external_url: Text = Field(None, max_length=500)  # type: ignore[assignment]
    done: bool = None  # type: ignore[assignment]


class ActionExportIn(InputSchema):
    tracker: TrackerName | None = Field(
        None, description="Where to export it; the first tracker set up when left out."
    )


# --- Timeline -------------------------------------------------------------------------------------


class TimelineEventOut(OutputSchema):
    id: int
    incident_id: int
    timestamp: datetime
    kind: TimelineKindName
    text: str
    author: UserOut | None
    source: str | None
    url: str
    metadata: dict[str, Any]

    @classmethod
    def from_model(cls, obj: TimelineEvent, *, staff: bool) -> dict[str, Any]:
        return {
            "id": obj.pk,
            "incident_id": obj.incident_id,
            "timestamp": obj.timestamp,
            "kind": obj.kind,
            "text": obj.display_text,
            "author": obj.author,
            "source": obj.source,
            "url": obj.url,
            "metadata": obj.metadata,
        }


class TimelineEventIn(InputSchema):
    text: Text = Field(min_length=1, max_length=10_000)
    timestamp: UtcDatetime | None = Field(None, description="Default: now.")
    kind: Literal["note", "message"] = "note"
    url: Text = Field("", max_length=500)


class TimelineEventPatch(InputSchema):
    text: Text = Field(None, min_length=1, max_length=10_000)  # type: ignore[assignment]
    timestamp: UtcDatetime = None  # type: ignore[assignment]


# --- Audit ----------------------------------------------------------------------------------------


class AuditEventOut(OutputSchema):
    id: int
    occurred_at: datetime
    verb: str
    incident_id: int | None
    object_type: str
    object_id: str
    actor_id: int | None = Field(description="The chat user who did it, when there is one.")
    actor_user_id: int | None = Field(description="The Response account that did it, if any.")
    actor_name: str
    before: dict[str, Any]
    after: dict[str, Any]

    @classmethod
    def from_model(cls, obj: AuditEvent, *, staff: bool) -> dict[str, Any]:
        return {
            "id": obj.pk,
            **{f: getattr(obj, f) for f in cls.model_fields if f != "id"},
        }


# --- Pages ----------------------------------------------------------------------------------------


class Page(BaseModel):
    count: int = Field(description="How many items match, across all pages.")
    limit: int
    offset: int
    next_offset: int | None = Field(description="Offset of the next page; null on the last.")


class IncidentPage(Page):
    items: list[IncidentOut]


class ActionPage(Page):
    items: list[ActionOut]


class TimelinePage(Page):
    items: list[TimelineEventOut]


class UserPage(Page):
    items: list[UserOut]


class AuditPage(BaseModel):
    items: list[AuditEventOut]
    next_after_id: int | None = Field(
        description="Pass as after_id to fetch what follows; null when nothing more is stored yet."
    )


# --- Statistics -----------------------------------------------------------------------------------


class MonthOut(BaseModel):
    month: str = Field(description="YYYY-MM, in UTC.")
    count: int
    by_severity: dict[str, int] = Field(description="Severity slug (or 'unset') → count.")


class SeverityStatsOut(BaseModel):
    severity: str = Field(description="Severity slug, or 'unset'.")
    count: int
    resolved: int
    mean_time_to_resolve_seconds: float | None
    median_time_to_resolve_seconds: float | None


class TriageStatsOut(BaseModel):
    """Incidents opened by alerts, counted apart from the others (which leave them out)."""

    waiting: int = Field(description="Still in triage.")
    declined: int = Field(description="Declined or merged into another incident.")
    accepted: int = Field(description="Accepted: these are counted with the incidents too.")


class SummaryOut(BaseModel):
    count: int
    open: int
    resolved: int
    mean_time_to_resolve_seconds: float | None
    median_time_to_resolve_seconds: float | None
    by_severity: list[SeverityStatsOut]
    triage: TriageStatsOut


# --- Post-mortems ---------------------------------------------------------------------------------

SectionName = Literal[
    "summary",
    "impact",
    "root_cause",
    "contributing_factors",
    "went_well",
    "went_badly",
    "lessons",
    "follow_ups",
]
PostMortemStateName = Literal["draft", "in_review", "done"]
assert get_args(SectionName) == SECTION_KEYS
assert set(get_args(PostMortemStateName)) == set(PostMortemState.values)


class PostMortemSectionOut(OutputSchema):
    key: SectionName
    heading: str
    text: str = Field(description="Markdown.")
    version: int = Field(description="Give it back when editing: a newer one refuses the edit.")
    prefilled: bool = Field(description="Still Response's pre-fill: nobody has written it yet.")
    edited_at: datetime | None
    edited_by: str = Field(description="Who saved it last, as people know them.")

    @classmethod
    def from_model(cls, obj: PostMortemSection, *, staff: bool) -> dict[str, Any]:
        return {
            "key": obj.key,
            "heading": obj.heading,
            "text": obj.text,
            "version": obj.version,
            "prefilled": obj.is_prefilled,
            "edited_at": obj.edited_at,
            "edited_by": obj.edited_by_name,
        }


class PostMortemOut(BaseModel):
    incident_id: int
    state: PostMortemStateName
    owner: UserOut | None
    created_at: datetime
    updated_at: datetime
    done_at: datetime | None
    sections: list[PostMortemSectionOut] = Field(description="In the order they are read.")


class PostMortemSectionIn(InputSchema):
    text: Text = Field(max_length=SECTION_MAX_LENGTH, description="Markdown.")
    version: int | None = Field(
        None, description="The version you edited; refused (409) if the section changed since."
    )


class PostMortemPatch(InputSchema):
    sections: dict[SectionName, PostMortemSectionIn] = Field(
        default_factory=dict, description="The sections to change, by key."
    )
    owner_id: Id | None = Field(None, description="The owner's user id; null: nobody.")
    state: PostMortemStateName = Field(
        None,  # type: ignore[arg-type]  # left out: unchanged; null is not a state
        description="Changed after the sections, so one request can write the root cause and "
        "mark it done.",
    )
