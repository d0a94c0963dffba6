"""`action @bob by friday Write the runbook`: the owner and the due date said the way people say
them, read from the start (or the end) of the action's text. Pure: no Slack, no database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

OWNER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
TRAILING_OWNER = re.compile(r"\s+<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_SHORT_DAYS = ("mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun")
_DAY = "(?:" + "|".join([*WEEKDAYS, *_SHORT_DAYS]) + ")"
_MONTH = (
    "(?:january|february|march|april|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
)
# What may follow "by": today, tomorrow, eod, friday, next week, in 3 days, 2026-12-04, 4 dec.
WHEN = (
    r"(?:today|tonight|eod|tomorrow|next\s+week|in\s+\d{1,3}\s+days?|\d{4}-\d{2}-\d{2}"
    rf"|{_DAY}|\d{{1,2}}\s+{_MONTH}|{_MONTH}\s+\d{{1,2}})"
)
LEADING_DUE = re.compile(rf"^by\s+({WHEN})\b[,:]?\s*", re.IGNORECASE)
TRAILING_DUE = re.compile(rf"\s*[,;]?\s+by\s+({WHEN})\s*\.?$", re.IGNORECASE)


@dataclass(frozen=True)
class ActionRequest:
    text: str
    owner_id: str | None = None  # a Slack user id
    due_date: date | None = None


def parse_action(text: str, *, today: date) -> ActionRequest:
    """Owner and due date first ("@bob by friday fix it", "by friday @bob fix it") or last
    ("fix it @bob by friday"); the rest is the action. Anything unclear stays in the text."""
    rest, owner, due = text.strip(), None, None
    for _ in range(2):  # owner and due date, in either order
        first, _, after = rest.partition(" ")
        if owner is None and (mention := OWNER.match(first)):
            owner, rest = mention.group(1), after.strip()
        elif due is None and (lead := LEADING_DUE.match(rest)):
            due, rest = due_date_from(lead.group(1), today=today), rest[lead.end() :]
    if due is None and (trail := TRAILING_DUE.search(rest)):
        due, rest = due_date_from(trail.group(1), today=today), rest[: trail.start()]
    if owner is None and (last := TRAILING_OWNER.search(rest)):
        owner, rest = last.group(1), rest[: last.start()]
    return ActionRequest(text=rest.strip(), owner_id=owner, due_date=due)


def due_date_from(when: str, *, today: date) -> date | None:
    """The day `when` names, from `today`: a weekday is the next one after today."""
    said = " ".join(when.lower().split())
    if said in ("today", "tonight", "eod"):
        return today
    if said == "tomorrow":
        return today + timedelta(days=1)
    if said == "next week":
        return today + timedelta(days=7 - today.weekday())  # next Monday
    if match := re.fullmatch(r"in (\d+) days?", said):
        return today + timedelta(days=int(match.group(1)))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", said):
        try:
            return date.fromisoformat(said)
        except ValueError:
            return None
    for number, name in enumerate(WEEKDAYS):
        if name.startswith(said[:3]) and said.isalpha():
            ahead = (number - today.weekday() - 1) % 7 + 1
            return today + timedelta(days=ahead)
    day_month = re.fullmatch(r"(\d{1,2}) ([a-z]+)|([a-z]+) (\d{1,2})", said)
    if day_month:
        day = int(day_month.group(1) or day_month.group(4))
        month = MONTHS.index((day_month.group(2) or day_month.group(3))[:3]) + 1
        for year in (today.year, today.year + 1):  # the next such day, this year or next
            try:
                candidate = date(year, month, day)
            except ValueError:
                return None
            if candidate >= today:
                return candidate
    return None
