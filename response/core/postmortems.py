"""What a post-mortem starts with: each section pre-filled from what the incident already knows,
as Markdown. Pure functions of the incident, its timeline and its actions (no queries here; the
verb reads them), so the same facts always give the same text."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from response.core.durations import key_durations
from response.core.models import Action, Incident, PostMortem, PostMortemSection, TimelineEvent
from response.core.models.postmortem import SECTION_KEYS

# The timeline entries that make the root cause's context: what people pinned in the channel,
# wrote on the timeline themselves, and the status updates. (Response's own entries about
# changes of status, severity or lead are in the key times already.)
CONTEXT_KINDS = (
    TimelineEvent.Kind.MESSAGE,
    TimelineEvent.Kind.NOTE,
    TimelineEvent.Kind.UPDATE,
)
# A very long incident's context is cut here: the full timeline is on the write-up anyway.
MAX_CONTEXT_ENTRIES = 50


def short_duration(value: timedelta) -> str:
    """45s, 12m, 3h 5m, 2d 4h (as the web page says them)."""
    seconds = max(int(value.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m" if minutes else f"{secs}s"


def utc(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def one_line(text: str) -> str:
    """Text on one Markdown list line: newlines folded, so the list stays a list."""
    return " ".join((text or "").split())


def prefilled_sections(
    incident: Incident, *, entries: Iterable[TimelineEvent], actions: Iterable[Action]
) -> dict[str, str]:
    """Every section's starting text (empty where the incident knows nothing to say)."""
    texts = dict.fromkeys(SECTION_KEYS, "")
    texts["summary"] = incident.summary.strip()
    texts["impact"] = _impact(incident)
    texts["root_cause"] = _root_cause_context(entries)
    texts["follow_ups"] = _follow_ups(actions)
    return texts


# How the impact's sentence says each key duration (resolving is the span itself).
STEP_WORDS = {
    "time_to_detect": "detected",
    "time_to_acknowledge": "acknowledged",
    "time_to_mitigate": "mitigated",
}


def _impact(incident: Incident) -> str:
    """What was written as the impact, then one sentence of its span and steps: "Impact from
    … to … (2h); detected after 10m, acknowledged after 25m, mitigated after 1h 12m." (The
    write-up shows the key times in full beside it.)"""
    parts = [incident.impact.strip()] if incident.impact.strip() else []
    start, end = incident.started_at, incident.end_time()
    if end is not None:
        span = f"from {utc(start)} to {utc(end)} ({short_duration(end - start)})"
    else:
        span = f"since {utc(start)}, still going on"
    steps = [
        f"{STEP_WORDS[d.name]} after {short_duration(d.value)}"
        for d in key_durations(incident)
        if d.name in STEP_WORDS and d.value is not None
    ]
    parts.append(f"Impact {span}" + (f"; {', '.join(steps)}" if steps else "") + ".")
    return "\n\n".join(parts)


def _root_cause_context(entries: Iterable[TimelineEvent]) -> str:
    wanted = [e for e in entries if e.kind in CONTEXT_KINDS]
    if not wanted:
        return ""
    shown = wanted[:MAX_CONTEXT_ENTRIES]
    lines = [
        f"- {utc(e.timestamp)}: {one_line(e.display_text)}"
        + (f" ({e.author.name})" if e.author_id and e.author else "")
        for e in shown
    ]
    if len(wanted) > len(shown):
        lines.append(f"- …and {len(wanted) - len(shown)} more on the timeline.")
    return (
        "_What the timeline says (pinned messages, notes and updates): "
        "replace it with the root cause._\n\n" + "\n".join(lines)
    )


def _follow_ups(actions: Iterable[Action]) -> str:
    lines = []
    for action in actions:
        details = []
        if action.owner_id and action.owner:
            details.append(f"owner: {action.owner.name}")
        if action.due_date:
            details.append(f"due {action.due_date.isoformat()}")
        said = f" ({', '.join(details)})" if details else ""
        link = ""
        if action.tracker_url:
            link = f" [{action.tracker_key or 'issue'}]({action.tracker_url})"
        elif action.external_url:
            link = f" [link]({action.external_url})"
        box = "x" if action.done else " "
        lines.append(f"- [{box}] {one_line(action.text)}{said}{link}")
    return "\n".join(lines)


def postmortem_of(incident: Incident) -> PostMortem | None:
    """The incident's post-mortem with its owner, or None when nobody has started it."""
    return PostMortem.objects.select_related("owner").filter(incident=incident).first()


def sections_of(postmortem: PostMortem) -> list[PostMortemSection]:
    """Its sections in the order of SECTIONS (one query)."""
    order = {key: position for position, key in enumerate(SECTION_KEYS)}
    return sorted(postmortem.sections.all(), key=lambda section: order[section.key])


def postmortem_markdown(
    incident: Incident, postmortem: PostMortem, sections: Iterable[PostMortemSection]
) -> str:
    """The post-mortem alone as one Markdown document (the API's export; the web's write-up
    export adds the key times table, the actions and the timeline around it)."""
    owner = postmortem.owner.name if postmortem.owner else "—"
    parts = [
        f"# Post-mortem of incident #{incident.pk}: {incident.title}",
        f"- State: {postmortem.get_state_display()}\n- Owner: {owner}\n"
        f"- Incident: {incident.severity_text()}, {incident.get_status_display()}",
    ]
    for section in sections:
        parts.append(f"## {section.heading}\n\n{section.text or '_Not written yet._'}")
    return "\n\n".join(parts) + "\n"
