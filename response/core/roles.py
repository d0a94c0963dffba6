"""The roles people take in an incident: the built-in ones and those a team declares.

The incident lead is a role like the others to the people who read it, but it is kept where it
has always been (`Incident.lead`, changed with `set_lead`); the others are `RoleAssignment` rows.
Teams add roles with `RESPONSE_ROLES`: a JSON list, or the path of a JSON or YAML file holding
one, each role a mapping with `name`, `slug`, `description` and `instructions` (`aliases`
optional: more words people may use for it). A custom role with a built-in's slug replaces it
(a team's own instructions for the scribe), the lead's name and instructions included.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from response.core.errors import InvalidInput

LEAD = "lead"
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
NAME_MAX_LENGTH = 64


@dataclass(frozen=True)
class Role:
    slug: str
    name: str
    description: str = ""
    instructions: str = ""
    aliases: tuple[str, ...] = field(default=())

    @property
    def is_lead(self) -> bool:
        return self.slug == LEAD

    def words(self) -> set[str]:
        """What people may call it: its slug, its name and its aliases, in any case."""
        return {_word(w) for w in (self.slug, self.name, *self.aliases)}


BUILTIN_ROLES: tuple[Role, ...] = (
    Role(
        slug=LEAD,
        name="Incident lead",
        description="Runs the response: decides, delegates, keeps everyone on one plan.",
        instructions=(
            "You are leading this incident. Make sure someone is investigating, decide what "
            "happens next, keep the severity and status current, and hand over explicitly if "
            "you step away."
        ),
        aliases=("commander", "incident commander", "ic", "incident lead", "leader"),
    ),
    Role(
        slug="comms",
        name="Comms lead",
        description="Keeps everyone outside the response informed.",
        instructions=(
            "You are the communications lead. Post a status update at least as often as the "
            "severity asks (`@Response update <text>`), answer questions from outside the "
            "channel, and keep the summary and impact current."
        ),
        aliases=("communications", "communications lead", "comms lead", "communication"),
    ),
    Role(
        slug="scribe",
        name="Scribe",
        description="Keeps the timeline: what was seen, decided and done, and when.",
        instructions=(
            "You are the scribe. Pin (or react 📌 to) the messages that matter so they land on "
            "the timeline, record follow-up actions with `@Response action <text>`, and note "
            "decisions as they are made."
        ),
        aliases=("note taker", "notetaker", "notes", "recorder"),
    ),
)


def _word(text: str) -> str:
    """ "Comms  Lead" and "comms-lead" are the same word to a person."""
    return re.sub(r"[\s_-]+", " ", text.strip().lower())


def _role_from(entry: object, source: str) -> Role:
    if not isinstance(entry, dict):
        raise ImproperlyConfigured(f"{source}: each role is a mapping with a name and a slug.")
    name = str(entry.get("name") or "").strip()
    slug = str(entry.get("slug") or "").strip().lower()
    if not name or len(name) > NAME_MAX_LENGTH:
        raise ImproperlyConfigured(f"{source}: a role needs a name of 1 to 64 characters.")
    if not SLUG.fullmatch(slug):
        raise ImproperlyConfigured(
            f"{source}: the role “{name}” needs a slug of lowercase letters, digits, - and _ "
            "(32 characters at most)."
        )
    aliases = entry.get("aliases") or []
    if not isinstance(aliases, list):
        raise ImproperlyConfigured(f"{source}: the aliases of “{name}” are a list of words.")
    return Role(
        slug=slug,
        name=name,
        description=str(entry.get("description") or "").strip(),
        instructions=str(entry.get("instructions") or "").strip(),
        aliases=tuple(str(a) for a in aliases),
    )


def parse_roles(value: str) -> tuple[Role, ...]:
    """The custom roles of `RESPONSE_ROLES`: a JSON list, or the path of a JSON/YAML file."""
    value = value.strip()
    if not value:
        return ()
    source = "RESPONSE_ROLES"
    if value.startswith(("[", "{")):  # JSON written in the variable itself
        text = value
    else:
        path = Path(value).expanduser()
        source = f"RESPONSE_ROLES ({path})"
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise ImproperlyConfigured(
                f"RESPONSE_ROLES names {path}, which cannot be read ({error.strerror})."
            ) from None
    try:
        entries = yaml.safe_load(text) if path_is_yaml(value) else json.loads(text)
    except (ValueError, yaml.YAMLError) as error:
        raise ImproperlyConfigured(f"{source} is not valid JSON or YAML: {error}") from None
    if not isinstance(entries, list):
        raise ImproperlyConfigured(f"{source} must be a list of roles.")
    roles = [_role_from(entry, source) for entry in entries]
    slugs = [role.slug for role in roles]
    if len(set(slugs)) != len(slugs):
        raise ImproperlyConfigured(f"{source} declares a slug twice.")
    return tuple(roles)


def path_is_yaml(value: str) -> bool:
    return value.lower().endswith((".yaml", ".yml"))


@lru_cache(maxsize=4)
def _catalogue(value: str) -> tuple[Role, ...]:
    custom = {role.slug: role for role in parse_roles(value)}
    builtins = tuple(custom.pop(role.slug, role) for role in BUILTIN_ROLES)
    return builtins + tuple(custom.values())


def all_roles() -> tuple[Role, ...]:
    """Every role, the lead first, then the built-ins, then the team's own, as declared."""
    return _catalogue(getattr(settings, "RESPONSE_ROLES", "") or "")


def role_by_slug(slug: str) -> Role | None:
    return next((role for role in all_roles() if role.slug == slug), None)


def role_names() -> str:
    """ "lead (Incident lead), comms (Comms lead), scribe (Scribe)": for a refusal."""
    return ", ".join(f"{role.slug} ({role.name})" for role in all_roles())


def check_role(value: Role | str) -> Role:
    """The role a person means: its slug, its name or an alias, in any case ("comms",
    "Comms lead", "communications", "IC"), else a refusal listing the roles."""
    if isinstance(value, Role):
        return value
    word = _word(value)
    for role in all_roles():
        if word in role.words():
            return role
    raise InvalidInput(
        f"There is no role “{value.strip()}”. The roles are: {role_names()}.",
        field="role",
        extra={"roles": [role.slug for role in all_roles()]},
    )
