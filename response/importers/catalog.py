"""`response catalog import FILE`: teams and services from a YAML, JSON or CSV file.

Reading the file (`read_catalog`) is pure: it gives entries, each saying where it came from
("line 4", "services[2]") so that an error points at it. Importing (`import_catalog`) upserts
them by slug through the core verbs in one transaction: a file with one bad entry imports
nothing, and importing the same file again changes nothing. The formats are in docs/catalog.md.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from response.core import verbs
from response.core.errors import ResponseError
from response.core.models import ExternalUser

KINDS = ("team", "service")
TEAM_FIELDS = ("slug", "name", "description", "slack_usergroup", "owners")
SERVICE_FIELDS = (
    "slug",
    "name",
    "description",
    "team",
    "tier",
    "owners",
    "runbook_url",
    "dashboard_url",
)
CSV_COLUMNS = ("kind", *dict.fromkeys(TEAM_FIELDS + SERVICE_FIELDS))


class CatalogFileError(Exception):
    """What is wrong with the file, entry by entry: nothing was imported."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Entry:
    kind: str  # "team" or "service"
    where: str  # "line 4", "teams[0]"
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.where} ({self.kind} {self.values.get('slug') or '?'})"


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            *(f"created   {name}" for name in self.created),
            *(f"updated   {name}" for name in self.updated),
            *(f"unchanged {name}" for name in self.unchanged),
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} left as they were.",
        ]


# --- Reading --------------------------------------------------------------------------------------


def read_catalog(path: Path) -> list[Entry]:
    """The entries of a .yaml/.yml, .json or .csv file (by its extension)."""
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogFileError([f"{path}: cannot be read ({error})."]) from None
    if suffix == ".csv":
        return entries_from_csv(text)
    if suffix in {".yaml", ".yml"}:
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise CatalogFileError([f"{path}: not valid YAML ({error})."]) from None
        return entries_from_document(document)
    if suffix == ".json":
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise CatalogFileError([f"{path}: not valid JSON ({error})."]) from None
        return entries_from_document(document)
    raise CatalogFileError([f"{path}: the file must end in .yaml, .yml, .json or .csv."])


def entries_from_document(document: Any) -> list[Entry]:
    """`{"teams": [...], "services": [...]}`, each entry a mapping."""
    if document is None:
        document = {}
    if not isinstance(document, dict) or set(document) - {"teams", "services"}:
        raise CatalogFileError(["The file must be a mapping with `teams` and/or `services` lists."])
    entries: list[Entry] = []
    problems: list[str] = []
    for kind, key in (("team", "teams"), ("service", "services")):
        items = document.get(key) or []
        if not isinstance(items, list):
            problems.append(f"`{key}` must be a list.")
            continue
        for index, item in enumerate(items):
            where = f"{key}[{index}]"
            if not isinstance(item, dict):
                problems.append(f"{where}: each entry must be a mapping (slug: …, name: …).")
                continue
            entries.append(Entry(kind, where, item))
    _check(entries, problems)
    return entries


def entries_from_csv(text: str) -> list[Entry]:
    """A header row, then one team or service per line (its `kind`)."""
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = {"kind", "slug", "name"} - set(header)
    if missing:
        raise CatalogFileError(
            [f"line 1: the header needs the columns {', '.join(sorted(missing))}."]
        )
    unknown = set(header) - set(CSV_COLUMNS)
    if unknown:
        raise CatalogFileError([f"line 1: unknown columns {', '.join(sorted(unknown))}."])
    entries = []
    for row in reader:
        values = {
            (k or "").strip(): (v or "").strip()
            for k, v in row.items()
            if k and v not in (None, "")
        }
        if not values:
            continue
        kind = values.pop("kind", "").lower()
        if "owners" in values:
            values["owners"] = [o for o in values["owners"].replace(";", " ").split() if o]
        entries.append(Entry(kind, f"line {reader.line_num}", values))
    _check(entries, [])
    return entries


def _check(entries: list[Entry], problems: list[str]) -> None:
    """What can be told from the file alone: kinds, required fields, known fields, slugs once."""
    seen: dict[tuple[str, str], str] = {}
    for entry in entries:
        if entry.kind not in KINDS:
            problems.append(f"{entry.where}: the kind must be team or service, not “{entry.kind}”.")
            continue
        allowed = TEAM_FIELDS if entry.kind == "team" else SERVICE_FIELDS
        extra = set(entry.values) - set(allowed)
        if extra:
            problems.append(f"{entry.label}: unknown fields {', '.join(sorted(map(str, extra)))}.")
        for required in ("slug", "name"):
            if not str(entry.values.get(required) or "").strip():
                problems.append(f"{entry.where}: a {entry.kind} needs a {required}.")
        slug = str(entry.values.get("slug") or "")
        if slug and (entry.kind, slug) in seen:
            problems.append(
                f"{entry.label}: the slug is used already, at {seen[entry.kind, slug]}."
            )
        seen.setdefault((entry.kind, slug), entry.where)
    if problems:
        raise CatalogFileError(problems)


# --- Importing ------------------------------------------------------------------------------------


def import_catalog(entries: list[Entry], *, dry_run: bool = False) -> ImportReport:
    """Upsert every entry (teams first, so services may name a team of the same file) in one
    transaction; any problem rolls it all back and is raised with the others."""
    report = ImportReport()
    problems: list[str] = []
    ordered = sorted(entries, key=lambda e: KINDS.index(e.kind))
    with transaction.atomic():
        for entry in ordered:
            try:
                with transaction.atomic():  # a refused entry leaves the others' work usable
                    name, outcome = _save(entry)
            except (ResponseError, ValueError, TypeError) as error:
                problems.append(f"{entry.label}: {error}")
                continue
            getattr(report, outcome).append(name)
        if problems:
            raise CatalogFileError(problems)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _save(entry: Entry) -> tuple[str, str]:
    values = entry.values
    common: dict[str, Any] = {
        "slug": _text(values["slug"]),
        "name": _text(values["name"]),
        "description": _text(values.get("description")),
        "owners": _people(values["owners"]) if "owners" in values else None,
    }
    if entry.kind == "team":
        group = _text(values.get("slack_usergroup")).lstrip("@")
        is_id = group[:1] == "S" and group.isupper() and group.isalnum()
        team, outcome = verbs.save_team(
            **common,
            slack_usergroup_id=group if is_id else "",
            slack_usergroup_handle="" if is_id else group,
        )
        return f"team {team.slug}", outcome
    tier = values.get("tier")
    service, outcome = verbs.save_service(
        **common,
        team=_text(values.get("team")) or None,
        tier=_tier(tier),
        runbook_url=_text(values.get("runbook_url")),
        dashboard_url=_text(values.get("dashboard_url")),
    )
    return f"service {service.slug}", outcome


def _tier(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"the tier is 1, 2 or 3, not “{value}”") from None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _people(value: Any) -> list[ExternalUser]:
    """Owners by Slack user id (U…/W…, known from then on) or the e-mail of someone known."""
    names = value.replace(",", " ").split() if isinstance(value, str) else list(value or [])
    people = []
    for name in map(_text, names):
        if "@" in name:
            person = ExternalUser.objects.filter(email__iexact=name).first()
            if person is None:
                raise ValueError(f"nobody known to Response has the e-mail {name}")
        elif name[:1] in {"U", "W"} and name.isalnum():
            person, _ = verbs.get_or_create_external_user(name)
        else:
            raise ValueError(f"an owner is a Slack user id (U…) or an e-mail, not “{name}”")
        people.append(person)
    return people
