"""Verbs on the service catalog: the services an incident affects, and the catalog's own teams
and services (saved from the admin's forms, the API and `response catalog import`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from response.core.errors import InvalidInput
from response.core.events import Change
from response.core.models import (
    AffectedService,
    AuditVerb,
    ExternalUser,
    Incident,
    Service,
    Team,
    TimelineEvent,
)
from response.core.verbs._common import (
    Actor,
    add_change_to_timeline,
    audit,
    changed,
    copy_state,
    lock_incident,
)

Outcome = Literal["created", "updated", "unchanged"]


def check_services(values: Iterable[Service | str | int]) -> list[Service]:
    """The services named by slug, name or id ("payments", "Payments", 3), in the order given,
    each once. Any unknown one refuses them all, naming it."""
    wanted = list(values)
    known = list(Service.objects.all()) if wanted else []
    by_key: dict[str, Service] = {}
    for service in known:
        by_key.setdefault(str(service.pk), service)
        by_key.setdefault(service.name.strip().lower(), service)
        by_key[service.slug.lower()] = service  # a slug wins over another's name
    found: dict[int, Service] = {}
    unknown: list[str] = []
    for value in wanted:
        if isinstance(value, Service):
            found.setdefault(value.pk, value)
        elif (match := by_key.get(str(value).strip().lstrip("#").lower())) is not None:
            found.setdefault(match.pk, match)
        else:
            unknown.append(str(value))
    if unknown:
        slugs = ", ".join(sorted(s.slug for s in known)[:30]) or "none are in the catalog yet"
        raise InvalidInput(
            f"Unknown service{'s' if len(unknown) > 1 else ''} “{'”, “'.join(unknown)}”. "
            f"Known services: {slugs}.",
            field="services",
            extra={"unknown": unknown},
        )
    return list(found.values())


def set_services(
    incident: Incident, services: Iterable[Service | str | int], *, by: Actor = None
) -> Incident:
    """Make `services` the ones the incident affects. The same set again changes nothing and
    announces nothing; otherwise one timeline entry, one audit row, one announcement
    (`Change.SERVICES`, with the services added and removed)."""
    chosen = check_services(services)
    with transaction.atomic():
        locked = lock_incident(incident)
        current = {a.service_id: a.service for a in _affected(locked)}
        wanted = {s.pk: s for s in chosen}
        added = [s for pk, s in wanted.items() if pk not in current]
        removed = [s for pk, s in current.items() if pk not in wanted]
        if not added and not removed:
            copy_state(incident, locked)
            return incident
        AffectedService.objects.filter(
            incident=locked, service_id__in=[s.pk for s in removed]
        ).delete()
        AffectedService.objects.bulk_create(
            [AffectedService(incident=locked, service=s) for s in added]
        )
        locked.updated_at = timezone.now()
        locked.save(update_fields=["updated_at"])
        names = ", ".join(s.name for s in sorted(wanted.values(), key=lambda s: s.name.lower()))
        add_change_to_timeline(
            locked,
            kind=TimelineEvent.Kind.FIELD,
            text=f"Affected services: {names}" if names else "No affected services any more",
            by=by,
            metadata={"services": sorted(s.slug for s in wanted.values())},
        )
        audit(
            verb=AuditVerb.INCIDENT_SERVICES_CHANGED,
            obj=locked,
            incident=locked,
            by=by,
            before={"services": sorted(s.slug for s in current.values())},
            after={"services": sorted(s.slug for s in wanted.values())},
        )
        changed(
            locked,
            Change.SERVICES,
            by=by,
            fields=("services",),
            extra={"added": [s.pk for s in added], "removed": [s.pk for s in removed]},
        )
    copy_state(incident, locked)
    return incident


def _affected(incident: Incident) -> list[AffectedService]:
    return list(
        AffectedService.objects.select_for_update(of=("self",))
        .select_related("service")
        .filter(incident=incident)
    )


# --- The catalog itself ---------------------------------------------------------------------------


def save_team(
    *,
    slug: str,
    name: str,
    description: str = "",
    slack_usergroup_handle: str = "",
    slack_usergroup_id: str = "",
    owners: Sequence[ExternalUser] | None = None,
    by: Actor = None,
) -> tuple[Team, Outcome]:
    """Create the team with this slug, or bring it up to date (`owners=None`: left as they are).
    Joins the caller's transaction: an import saves all of its entries or none."""
    fields = {
        "name": name,
        "description": description,
        "slack_usergroup_handle": slack_usergroup_handle.strip().lstrip("@"),
        "slack_usergroup_id": slack_usergroup_id.strip(),
    }
    with transaction.atomic():
        team, outcome, before = _upsert(Team, slug, fields)
        if owners is not None and _set_people(team.owners, owners):
            outcome = "updated" if outcome == "unchanged" else outcome
        if outcome != "unchanged":
            audit(
                verb=AuditVerb.TEAM_SAVED,
                obj=team,
                incident=None,
                by=by,
                before=before,
                after={"slug": team.slug, **fields},
            )
    return team, outcome


def save_service(
    *,
    slug: str,
    name: str,
    description: str = "",
    team: Team | str | None = None,
    tier: int | None = None,
    runbook_url: str = "",
    dashboard_url: str = "",
    owners: Sequence[ExternalUser] | None = None,
    by: Actor = None,
) -> tuple[Service, Outcome]:
    """Create the service with this slug, or bring it up to date. `team`: a Team or its slug."""
    if isinstance(team, str):
        found = Team.objects.filter(slug=team).first()
        if found is None:
            raise InvalidInput(f"There is no team “{team}”.", field="team")
        team = found
    fields: dict[str, Any] = {
        "name": name,
        "description": description,
        "team": team,
        "tier": tier,
        "runbook_url": runbook_url,
        "dashboard_url": dashboard_url,
    }
    with transaction.atomic():
        service, outcome, before = _upsert(Service, slug, fields)
        if owners is not None and _set_people(service.owners, owners):
            outcome = "updated" if outcome == "unchanged" else outcome
        if outcome != "unchanged":
            audit(
                verb=AuditVerb.SERVICE_SAVED,
                obj=service,
                incident=None,
                by=by,
                before=before,
                after={"slug": service.slug, **fields},
            )
    return service, outcome


def delete_team(team: Team, *, by: Actor = None) -> None:
    """Its services stay, without a team."""
    with transaction.atomic():
        audit(
            verb=AuditVerb.TEAM_DELETED, obj=team, incident=None, by=by, before={"slug": team.slug}
        )
        team.delete()


def delete_service(service: Service, *, by: Actor = None) -> None:
    """Incidents it affected no longer name it; their timelines still do."""
    with transaction.atomic():
        audit(
            verb=AuditVerb.SERVICE_DELETED,
            obj=service,
            incident=None,
            by=by,
            before={"slug": service.slug},
        )
        service.delete()


def _upsert[M: (Team, Service)](
    model: type[M], slug: str, fields: dict[str, Any]
) -> tuple[M, Outcome, dict[str, Any]]:
    """(the row, what happened to it, its fields before), validated by the model's own rules
    (`full_clean`: lengths, slug characters, URLs) before anything is written."""
    row = model.objects.select_for_update().filter(slug=slug).first()
    if row is None:
        row = model(slug=slug, **fields)
        _validate(row)
        row.save()
        return row, "created", {}
    before = {k: getattr(row, k) for k, v in fields.items() if getattr(row, k) != v}
    if not before:
        return row, "unchanged", {}
    for name in before:
        setattr(row, name, fields[name])
    _validate(row)
    row.save(update_fields=list(before))
    return row, "updated", before


def _validate(row: Team | Service) -> None:
    try:
        row.full_clean(exclude=["slug"] if row.pk else None, validate_unique=row.pk is None)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise InvalidInput(f"{field}: {' '.join(messages)}", field=field) from None


def _set_people(relation: Any, people: Sequence[ExternalUser]) -> bool:
    """Set a many-to-many of people; whether it changed."""
    current = set(relation.values_list("pk", flat=True))
    wanted = {p.pk for p in people}
    if current == wanted:
        return False
    relation.set(people)
    return True
