"""The post-mortem's verbs: start it (pre-filled from the incident), edit a section, give it an
owner, move it through draft, in review and done. Each is one transaction with its audit row
(and, for what the incident's story should show, its timeline entry and announcement)."""

from __future__ import annotations

from datetime import UTC

from django.db import transaction
from django.utils import timezone

from response.core.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from response.core.events import Change
from response.core.models import (
    AuditVerb,
    ExternalUser,
    Incident,
    PostMortem,
    PostMortemSection,
    PostMortemState,
    TimelineEvent,
)
from response.core.models.incident import CLOSED_STATUSES
from response.core.models.postmortem import SECTION_HEADINGS, SECTION_KEYS, SECTION_MAX_LENGTH
from response.core.postmortems import prefilled_sections
from response.core.selectors import timeline_of
from response.core.verbs._common import (
    Actor,
    add_change_to_timeline,
    audit,
    author_for,
    changed,
    display_name,
    lock_incident,
)

STATE_PHRASES = {
    PostMortemState.DRAFT: "is back to draft",
    PostMortemState.IN_REVIEW: "is in review",
    PostMortemState.DONE: "is done",
}


def _prefill(incident: Incident) -> dict[str, str]:
    """The pre-fill as the incident stands now."""
    return prefilled_sections(
        incident,
        entries=timeline_of(incident),
        actions=incident.actions.select_related("owner").order_by("done", "created_at", "id"),
    )


def start_postmortem(
    incident: Incident, *, refresh_prefill: bool = True, by: Actor = None
) -> PostMortem:
    """The incident's post-mortem, started now if it has none: every section pre-filled from
    what the incident knows, owned by the lead (or whoever started it). Started already, its
    sections nobody has written yet are pre-filled again (the incident may know more by now);
    what a person wrote is never replaced. (`refresh_prefill=False`: only make sure it exists.)"""
    return start_postmortem_once(incident, refresh_prefill=refresh_prefill, by=by)[0]


def start_postmortem_once(
    incident: Incident, *, refresh_prefill: bool = True, by: Actor = None
) -> tuple[PostMortem, bool]:
    """`start_postmortem`, and whether this call started it: of two people starting it at
    once, one did (the incident's row lock orders them); a look before calling could not tell."""
    with transaction.atomic():
        locked = lock_incident(incident)
        postmortem = PostMortem.objects.filter(incident=locked).first()
        if postmortem is None:
            return _create(locked, by=by), True
        if refresh_prefill:
            _refresh_prefill(postmortem, locked, by=by)
    return postmortem, False


def _refresh_prefill(postmortem: PostMortem, incident: Incident, *, by: Actor) -> None:
    texts = _prefill(incident)
    refreshed = {}
    for section in postmortem.sections.select_for_update().filter(edited_at__isnull=True):
        if section.text != texts[section.key]:
            refreshed[section.key] = (section.text, texts[section.key])
            section.text = texts[section.key]
            section.version += 1
            section.save(update_fields=["text", "version"])
    if refreshed:
        postmortem.updated_at = timezone.now()
        postmortem.save(update_fields=["updated_at"])
        audit(
            verb=AuditVerb.POSTMORTEM_PREFILLED,
            obj=postmortem,
            incident=incident,
            by=by,
            before={key: old for key, (old, _) in refreshed.items()},
            after={key: new for key, (_, new) in refreshed.items()},
        )


def _create(incident: Incident, *, by: Actor) -> PostMortem:
    owner = incident.lead or author_for(by)
    postmortem = PostMortem.objects.create(incident=incident, owner=owner)
    texts = _prefill(incident)
    PostMortemSection.objects.bulk_create(
        PostMortemSection(postmortem=postmortem, key=key, text=texts[key]) for key in SECTION_KEYS
    )
    said = f", owned by {owner.name}" if owner else ""
    add_change_to_timeline(
        incident,
        kind=TimelineEvent.Kind.FIELD,
        text=f"Post-mortem started{said}",
        by=by,
        metadata={"postmortem": "started"},
    )
    audit(
        verb=AuditVerb.POSTMORTEM_STARTED,
        obj=postmortem,
        incident=incident,
        by=by,
        after={"owner": owner, "state": postmortem.state},
    )
    changed(incident, Change.POSTMORTEM, by=by, object_id=postmortem.pk, extra={"what": "started"})
    return postmortem


def _lock(postmortem: PostMortem) -> PostMortem:
    try:
        return (
            PostMortem.objects.select_for_update(of=("self",))
            .select_related("incident", "owner")
            .get(pk=postmortem.pk)
        )
    except PostMortem.DoesNotExist:
        raise NotFound("This post-mortem does not exist.", field="postmortem") from None


def check_section(key: str) -> str:
    if key not in SECTION_HEADINGS:
        names = ", ".join(SECTION_KEYS)
        raise InvalidInput(f"There is no section {key!r}; the sections are {names}.", field="key")
    return key


def edit_postmortem_section(
    postmortem: PostMortem,
    key: str,
    text: str,
    *,
    base_version: int | None = None,
    by: Actor = None,
) -> PostMortemSection:
    """Save a section's Markdown. `base_version` is the section's version when the person
    started editing: if someone saved it since, their text is refused (a Conflict), not lost
    under this one. Saving pre-filled text unchanged adopts it: it is no longer pre-filled."""
    check_section(key)
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > SECTION_MAX_LENGTH:
        raise InvalidInput(
            f"The {SECTION_HEADINGS[key].lower()} is {len(text)} characters long; "
            f"the limit is {SECTION_MAX_LENGTH}.",
            field="text",
            extra={"max_length": SECTION_MAX_LENGTH, "length": len(text)},
        )
    with transaction.atomic():
        locked = _lock(postmortem)
        section = locked.sections.select_for_update().get(key=key)
        if base_version is not None and base_version != section.version:
            when = f" at {section.edited_at.astimezone(UTC):%H:%M} UTC" if section.edited_at else ""
            who = section.edited_by_name or "Response"
            raise Conflict(
                f"{section.heading} was changed by {who}{when} since you opened it, so your "
                "text was not saved: merge it with theirs and save again.",
                field="text",
                extra={"version": section.version, "your_version": base_version},
            )
        if section.text == text and not section.is_prefilled:
            return section
        before = section.text
        now = timezone.now()
        section.text = text
        section.version += 1
        section.edited_at = now
        section.edited_by_name = display_name(by)
        section.save(update_fields=["text", "version", "edited_at", "edited_by_name"])
        locked.updated_at = now
        locked.save(update_fields=["updated_at"])
        audit(
            verb=AuditVerb.POSTMORTEM_SECTION_EDITED,
            obj=locked,
            incident=locked.incident,
            by=by,
            before={"section": key, "text": before},
            after={"section": key, "text": text},
        )
    return section


def set_postmortem_owner(
    postmortem: PostMortem, owner: ExternalUser | None, *, by: Actor = None
) -> PostMortem:
    """Who sees it through (and is reminded until it is done); None: nobody yet."""
    with transaction.atomic():
        locked = _lock(postmortem)
        if locked.owner_id == (owner.pk if owner else None):
            return locked
        before = locked.owner
        locked.owner = owner
        locked.updated_at = timezone.now()
        locked.save(update_fields=["owner", "updated_at"])
        text = f"{owner.name} now owns the post-mortem" if owner else "The post-mortem has no owner"
        add_change_to_timeline(
            locked.incident,
            kind=TimelineEvent.Kind.FIELD,
            text=text,
            by=by,
            subject=owner,
            metadata={"postmortem": "owner"},
        )
        audit(
            verb=AuditVerb.POSTMORTEM_OWNER_CHANGED,
            obj=locked,
            incident=locked.incident,
            by=by,
            before={"owner": before},
            after={"owner": owner},
        )
        # Whether they took it on themselves (from Slack, or from the web with their account
        # linked): adapters need not tell them.
        themselves = owner is not None and author_for(by) == owner
        changed(
            locked.incident,
            Change.POSTMORTEM,
            by=by,
            object_id=locked.pk,
            extra={"what": "owner", "themselves": themselves},
        )
    return locked


def check_postmortem_state(state: str) -> PostMortemState:
    try:
        return PostMortemState(state)
    except ValueError:
        names = ", ".join(s.value for s in PostMortemState)
        raise InvalidInput(
            f"{state!r} is not a post-mortem state; the states are {names}.", field="state"
        ) from None


def set_postmortem_state(postmortem: PostMortem, state: str, *, by: Actor = None) -> PostMortem:
    """Draft, in review, done. Reviewing or closing the post-mortem of an incident still going
    on is refused (what happened is not known yet), and so is marking it done without a root
    cause a person wrote. Done, it can be reopened (back to draft or review)."""
    new = check_postmortem_state(state)
    with transaction.atomic():
        locked = _lock(postmortem)
        incident = locked.incident
        old = PostMortemState(locked.state)
        if old == new:
            return locked
        if new != PostMortemState.DRAFT and incident.status not in CLOSED_STATUSES:
            goal = "in review" if new == PostMortemState.IN_REVIEW else "done"
            raise InvalidTransition(
                f"Incident #{incident.pk} is still {incident.get_status_display().lower()}: "
                f"its post-mortem can go {goal} once it is resolved.",
                field="state",
            )
        if new == PostMortemState.DONE:
            root_cause = locked.sections.get(key="root_cause")
            if root_cause.is_prefilled or not root_cause.text:
                raise InvalidTransition(
                    "A post-mortem is done once someone has written its root cause.",
                    field="state",
                )
        now = timezone.now()
        locked.state = new
        locked.done_at = now if new == PostMortemState.DONE else None
        locked.updated_at = now
        locked.save(update_fields=["state", "done_at", "updated_at"])
        add_change_to_timeline(
            incident,
            kind=TimelineEvent.Kind.FIELD,
            text=f"The post-mortem {STATE_PHRASES[new]}",
            by=by,
            metadata={"postmortem": "state", "state": new.value},
        )
        audit(
            verb=AuditVerb.POSTMORTEM_STATE_CHANGED,
            obj=locked,
            incident=incident,
            by=by,
            before={"state": old.value},
            after={"state": new.value},
        )
        changed(incident, Change.POSTMORTEM, by=by, object_id=locked.pk, extra={"what": "state"})
    return locked
