"""SQLite, with the writers of one process taking turns on a lock of their own.

SQLite lets one connection write at a time. A connection that finds the database locked waits in
SQLite's busy handler, which sleeps in growing steps (up to 100 ms) between tries: under load a
writer waits tens of milliseconds for a lock that was free after one, and most of a busy
worker's time went there (docs/benchmarks.md). Response's threads (web requests, the inbox's
writer, the engine's workers) share one process, so they first take turns on a Python lock,
which wakes the next writer the moment it is free. SQLite's own timeout still applies between
processes (`response web` beside `response worker`).

Transactions take the lock when they begin (they are IMMEDIATE: they write) and give it back
when they end; a write outside a transaction holds it for its one statement. Reads never wait.
"""

from __future__ import annotations

import threading

from django.db import OperationalError
from django.db.backends.sqlite3 import base

WRITE_LOCK = threading.Lock()
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class DatabaseWrapper(base.DatabaseWrapper):
    holds_write_lock = False

    def take_write_lock(self) -> None:
        if self.holds_write_lock:
            return
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 20))
        if not WRITE_LOCK.acquire(timeout=timeout):
            raise OperationalError("database is locked (another thread kept writing)")
        self.holds_write_lock = True

    def release_write_lock(self) -> None:
        if self.holds_write_lock:
            self.holds_write_lock = False
            WRITE_LOCK.release()

    # These four are Django's private hooks (not in django-stubs): every transaction starts,
    # commits, rolls back or closes through them.
    def _start_transaction_under_autocommit(self) -> None:
        self.take_write_lock()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self.release_write_lock()
            raise

    def _commit(self) -> None:
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self.release_write_lock()

    def _rollback(self) -> None:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self.release_write_lock()

    def _close(self) -> None:
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self.release_write_lock()

    def create_cursor(self, name=None):
        cursor = self.connection.cursor(factory=TurnTakingCursor)
        cursor.wrapper = self
        return cursor


class TurnTakingCursor(base.SQLiteCursorWrapper):
    """A write outside a transaction takes its turn too, for the one statement."""

    wrapper: DatabaseWrapper

    def execute(self, query, params=None):
        if self.wrapper.in_atomic_block or self.wrapper.holds_write_lock or not _writes(query):
            return super().execute(query, params)
        self.wrapper.take_write_lock()
        try:
            return super().execute(query, params)
        finally:
            self.wrapper.release_write_lock()

    def executemany(self, query, param_list):
        if self.wrapper.in_atomic_block or self.wrapper.holds_write_lock or not _writes(query):
            return super().executemany(query, param_list)
        self.wrapper.take_write_lock()
        try:
            return super().executemany(query, param_list)
        finally:
            self.wrapper.release_write_lock()


def _writes(query: str) -> bool:
    return query.lstrip()[:7].upper().startswith(WRITES)
