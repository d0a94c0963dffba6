"""An original Monzo Response database, for the importer's tests and benchmark.

The DDL follows the original's migrations (monzo/response, `response/migrations/0001`–`0018`,
Django 2.2, every model under the app label `response`), column by column, with the migration that
added each; `create_schema(upto=N)` builds the schema as it stood after migration N. Times are
written as Django 2.2 wrote them with USE_TZ = True: naive UTC text on SQLite, timestamptz on
PostgreSQL. The one column left out is ExternalUser.owner's foreign key to auth_user (the column
is there; the auth tables are not).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

PK = "pk"
DT = "datetime"
FK = 'integer {null} REFERENCES "{table}" ("id") DEFERRABLE INITIALLY DEFERRED'

# table -> [(column, type, migration that added it, last migration it existed in)]
SCHEMA: dict[str, list[tuple[str, str, int, int]]] = {
    "django_migrations": [
        ("id", PK, 0, 99),
        ("app", "varchar(255) NOT NULL", 0, 99),
        ("name", "varchar(255) NOT NULL", 0, 99),
        ("applied", f"{DT} NOT NULL", 0, 99),
    ],
    "response_externaluser": [
        ("id", PK, 1, 99),
        ("app_id", "varchar(50) NOT NULL", 1, 99),
        ("external_id", "varchar(50) NOT NULL", 1, 99),
        ("display_name", "varchar(50) NOT NULL", 1, 99),
        ("owner_id", "integer NULL", 1, 99),
        ("full_name", "varchar(50) NULL", 6, 99),
        ("email", "varchar(100) NULL", 8, 99),
        ("deleted", "bool NOT NULL DEFAULT false", 17, 99),
    ],
    "response_incident": [
        ("id", PK, 1, 99),
        ("report", "varchar(200) NOT NULL", 1, 99),
        ("report_time", f"{DT} NOT NULL", 1, 99),
        ("start_time", f"{DT} NOT NULL", 1, 99),
        ("end_time", f"{DT} NULL", 1, 99),
        ("summary", "text NULL", 1, 99),
        ("impact", "text NULL", 1, 99),
        ("severity", "varchar(10) NULL", 1, 99),
        ("lead_id", FK.format(null="NULL", table="response_externaluser"), 1, 99),
        ("reporter_id", FK.format(null="NULL", table="response_externaluser"), 1, 99),
        ("report_only", "bool NOT NULL DEFAULT false", 10, 99),
        ("private", "bool NOT NULL DEFAULT false", 13, 99),
        ("grafana_annotation_id", "integer NULL CHECK (grafana_annotation_id >= 0)", 18, 99),
    ],
    "response_commschannel": [
        ("id", PK, 1, 99),
        ("channel_id", "varchar(20) NOT NULL", 1, 99),
        ("incident_id", FK.format(null="NOT NULL", table="response_incident"), 1, 11),
        ("incident_id", FK.format(null="NOT NULL UNIQUE", table="response_incident"), 12, 99),
        ("channel_name", "varchar(80) NOT NULL", 9, 99),
    ],
    "response_headlinepost": [
        ("id", PK, 1, 99),
        ("message_ts", "varchar(20) NULL", 1, 99),
        ("comms_channel_id", FK.format(null="NULL UNIQUE", table="response_commschannel"), 1, 99),
        ("incident_id", FK.format(null="NOT NULL", table="response_incident"), 1, 99),
    ],
    "response_timelineevent": [
        ("id", PK, 2, 99),
        ("timestamp", f"{DT} NOT NULL", 2, 99),
        ("text", "text NOT NULL", 2, 99),
        ("event_type", "varchar(30) NOT NULL", 2, 99),
        ("metadata", "jsonb NULL", 2, 3),  # django.contrib.postgres JSONField, then jsonfield's
        ("metadata", "text NULL", 4, 99),
        ("incident_id", FK.format(null="NOT NULL", table="response_incident"), 2, 99),
    ],
    "response_pinnedmessage": [
        ("id", PK, 1, 99),
        ("message_ts", "varchar(50) NOT NULL", 1, 99),
        ("text", "text NOT NULL", 1, 99),
        ("timestamp", f"{DT} NOT NULL", 1, 99),
        ("author_id", FK.format(null="NOT NULL", table="response_externaluser"), 1, 99),
        ("incident_id", FK.format(null="NOT NULL", table="response_incident"), 1, 99),
        ("timeline_event_id", FK.format(null="NULL", table="response_timelineevent"), 3, 99),
    ],
    "response_action": [
        ("id", PK, 1, 99),
        ("details", "text NOT NULL", 1, 99),
        ("done", "bool NOT NULL", 1, 99),
        ("incident_id", FK.format(null="NOT NULL", table="response_incident"), 1, 99),
        ("user_id", FK.format(null="NOT NULL", table="response_externaluser"), 1, 99),
        ("created_date", f"{DT} NULL", 15, 99),
        ("done_date", f"{DT} NULL", 15, 99),
        ("due_date", f"{DT} NULL", 15, 99),
        ("priority", "varchar(10) NULL", 15, 99),
        ("type", "varchar(10) NULL", 15, 99),
    ],
    "response_userstats": [
        ("id", PK, 1, 99),
        ("join_time", f"{DT} NULL", 1, 99),
        ("message_count", "integer NOT NULL", 1, 99),
        ("incident_id", FK.format(null="NOT NULL", table="response_incident"), 1, 99),
        ("user_id", FK.format(null="NOT NULL", table="response_externaluser"), 1, 99),
    ],
    "response_notification": [
        ("id", PK, 1, 99),
        ("key", "varchar(30) NOT NULL", 1, 99),
        ("time", f"{DT} NOT NULL", 1, 99),
        ("repeat_count", "integer NOT NULL", 1, 99),
        ("completed", "bool NOT NULL", 1, 99),
        ("incident_id", FK.format(null="NOT NULL", table="response_incident"), 1, 99),
    ],
    "response_incidentextension": [
        ("id", PK, 1, 6),
        ("key", "varchar(50) NOT NULL", 1, 6),
        ("value", "varchar(100) NOT NULL", 1, 6),
        ("incident_id", FK.format(null="NOT NULL", table="response_incident"), 1, 6),
    ],
    "response_event": [
        ("id", PK, 14, 99),
        ("timestamp", f"{DT} NOT NULL", 14, 99),
        ("event_type", "varchar(50) NOT NULL", 14, 99),
        ("payload", "text NOT NULL", 14, 99),
    ],
}
UNIQUE = {
    "response_externaluser": [
        (1, 10, ("owner_id", "app_id")), (11, 99, ("owner_id", "app_id", "external_id")),
    ],
    "response_userstats": [(1, 99, ("incident_id", "user_id"))],
    "response_notification": [(1, 99, ("incident_id", "key"))],
    "response_incidentextension": [(1, 6, ("incident_id", "key"))],
}  # fmt: skip
MIGRATIONS = [
    "0001_initial", "0002_timelineevent", "0003_auto_20190904_1349", "0004_auto_20190904_1704",
    "0005_auto_20190906_1413", "0006_externaluser_full_name", "0007_delete_incidentextension",
    "0008_externaluser_email", "0009_commschannel_channel_name", "0010_incident_report_only",
    "0011_auto_20190927_1339", "0012_commschannel_onetoone", "0013_incident_private",
    "0014_event", "0015_improve_actions", "0016_actions_auto_created_date",
    "0017_externaluser_deleted", "0018_incident_grafana_annotation_id",
]  # fmt: skip
# The order rows can be inserted in (foreign keys first).
TABLE_ORDER = [
    "django_migrations", "response_externaluser", "response_incident", "response_commschannel",
    "response_headlinepost", "response_timelineevent", "response_pinnedmessage",
    "response_action", "response_userstats", "response_notification", "response_event",
]  # fmt: skip


def columns(table: str, upto: int) -> list[tuple[str, str]]:
    return [(name, kind) for name, kind, since, until in SCHEMA[table] if since <= upto <= until]


def ddl(vendor: str, upto: int = 17) -> list[str]:
    """CREATE TABLE statements for the schema after migration `upto`."""
    statements = []
    for table in SCHEMA:
        cols = columns(table, upto)
        if not cols:
            continue
        parts = []
        for name, kind in cols:
            if kind == PK:
                kind = (
                    "integer NOT NULL PRIMARY KEY AUTOINCREMENT"
                    if vendor == "sqlite"
                    else "serial NOT NULL PRIMARY KEY"
                )
            kind = kind.replace(
                DT, "datetime" if vendor == "sqlite" else "timestamp with time zone"
            )
            parts.append(f'"{name}" {kind}')
        for since, until, fields in UNIQUE.get(table, []):
            if since <= upto <= until:
                parts.append("UNIQUE (" + ", ".join(f'"{f}"' for f in fields) + ")")
        statements.append(f'CREATE TABLE "{table}" ({", ".join(parts)})')
    return statements


def _value(value: Any, vendor: str, column_type: str) -> Any:
    if isinstance(value, datetime) and vendor == "sqlite":
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, dict | list):
        if vendor == "postgresql" and column_type.startswith("jsonb"):
            from psycopg.types.json import Jsonb

            return Jsonb(value)
        return json.dumps(value)
    return value


def fill(connection, vendor: str, rows: dict[str, list[dict]], upto: int = 17) -> None:
    """Create the schema and insert `rows` (table -> list of column dicts) on a DB-API connection.
    Columns the schema lacks at `upto` are dropped from the rows."""
    cursor = connection.cursor()
    for statement in ddl(vendor, upto):
        cursor.execute(statement)
    mark = "?" if vendor == "sqlite" else "%s"
    for table in TABLE_ORDER:
        cols = dict(columns(table, upto))
        if not cols or not rows.get(table):
            continue
        names = [c for c in rows[table][0] if c in cols]
        sql = (
            f'INSERT INTO "{table}" ({", ".join(f"{chr(34)}{n}{chr(34)}" for n in names)}) '
            f"VALUES ({', '.join([mark] * len(names))})"
        )
        cursor.executemany(
            sql, [tuple(_value(r[n], vendor, cols[n]) for n in names) for r in rows[table]]
        )
        if vendor == "postgresql" and "id" in cols:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
            )
    connection.commit()


def sqlite_source(path, rows: dict[str, list[dict]], upto: int = 17) -> str:
    """An SQLite file holding `rows`; returns its URL."""
    connection = sqlite3.connect(path)
    try:
        fill(connection, "sqlite", rows, upto)
    finally:
        connection.close()
    return f"sqlite:///{path}"


def migration_rows(upto: int) -> list[dict]:
    applied = datetime(2020, 10, 7, 13, 57, tzinfo=UTC)
    return [
        {"id": i + 1, "app": "response", "name": name, "applied": applied}
        for i, name in enumerate(MIGRATIONS[:upto])
    ]
