"""Start-up failures said in a line or two that name the variable and the fix, not a traceback.

The console script asks `explain()` about whatever ended a command; what it does not recognise
is left to Python (a traceback is right for a bug). A person who wants the traceback of a
recognised one too sets RESPONSE_DEBUG=1.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connections

from response.refusal import Refusal


def explain(error: BaseException) -> str | None:
    """What to tell a person about `error`, or None if it is not a known start-up failure."""
    if isinstance(error, ImproperlyConfigured | Refusal):
        return str(error)
    if isinstance(error, OperationalError) and not _database_connected():
        return unreachable_database(error)
    return None


def _database_connected() -> bool:
    """Whether the default database's connection was made (so the error came from a query, not
    from connecting: a bug or a real fault, which keeps its traceback)."""
    try:
        return connections["default"].connection is not None
    except ImproperlyConfigured:
        return False


def unreachable_database(error: BaseException) -> str:
    from django.conf import settings

    reason = _driver_reason(str(error))
    return (
        f"Cannot connect to the database in DATABASE_URL ({masked(settings.DATABASE_URL)}): "
        f"{reason}.\n{_database_fix(reason)}"
    )


def _driver_reason(message: str) -> str:
    """The driver's own words, without its framing: psycopg says `connection failed:
    connection to server at "h", port p failed: FATAL:  role "x" does not exist`."""
    first_line = message.strip().splitlines()[0] if message.strip() else "no reason given"
    reason = first_line.rsplit(" failed: ", 1)[-1]
    return re.sub(r"^(FATAL|ERROR):\s+", "", reason).strip().rstrip(".")


def _database_fix(reason: str) -> str:
    if match := re.search(r'role "([^"]+)" does not exist', reason):
        return f"Fix the user in DATABASE_URL, or create the role (createuser {match[1]})."
    if match := re.search(r'database "([^"]+)" does not exist', reason):
        return f"Fix the database name in DATABASE_URL, or create it (createdb {match[1]})."
    if "password" in reason:
        return "Fix the user or password in DATABASE_URL."
    if "unable to open database file" in reason:
        return "Fix the path in DATABASE_URL: its directory must exist and be writable."
    return "Fix the host and port in DATABASE_URL, or start the database server there."


def masked(url: str) -> str:
    """The URL with its password replaced, fit to print."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
