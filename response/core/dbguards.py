"""Database triggers that make the audit log append-only for every client, not just the ORM.

Kept here (not only in the migration) so tests can lift the DELETE guard for the flushes that
transactional tests need, and put it back where they check it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper

GUARDS: dict[str, dict[str, tuple[list[str], list[str]]]] = {
    "sqlite": {
        "update": (
            [
                "CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE "
                "ON core_auditevent BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            ],
            ["DROP TRIGGER IF EXISTS core_auditevent_no_update"],
        ),
        "delete": (
            [
                "CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE "
                "ON core_auditevent BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            ],
            ["DROP TRIGGER IF EXISTS core_auditevent_no_delete"],
        ),
    },
    "postgresql": {
        "update": (
            [
                "CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql",
                "CREATE OR REPLACE TRIGGER core_auditevent_no_update BEFORE UPDATE "
                "ON core_auditevent FOR EACH STATEMENT "
                "EXECUTE FUNCTION core_auditevent_append_only()",
            ],
            ["DROP TRIGGER IF EXISTS core_auditevent_no_update ON core_auditevent"],
        ),
        "delete": (
            [
                "CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql",
                "CREATE OR REPLACE TRIGGER core_auditevent_no_delete BEFORE DELETE OR TRUNCATE "
                "ON core_auditevent FOR EACH STATEMENT "
                "EXECUTE FUNCTION core_auditevent_append_only()",
            ],
            ["DROP TRIGGER IF EXISTS core_auditevent_no_delete ON core_auditevent"],
        ),
    },
}


def _statements(vendor: str, kinds: tuple[str, ...], index: int) -> list[str]:
    guards = GUARDS.get(vendor, {})
    return [sql for kind in kinds if kind in guards for sql in guards[kind][index]]


def install_audit_guards(
    cursor: CursorWrapper, vendor: str, kinds: tuple[str, ...] = ("update", "delete")
) -> None:
    for sql in _statements(vendor, kinds, 0):
        cursor.execute(sql)


def remove_audit_guards(
    cursor: CursorWrapper, vendor: str, kinds: tuple[str, ...] = ("update", "delete")
) -> None:
    for sql in _statements(vendor, kinds, 1):
        cursor.execute(sql)
