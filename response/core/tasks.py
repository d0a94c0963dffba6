"""Housekeeping on the worker."""

from django.db import connection
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="41", hour="*/6"))
def optimize_database_task() -> None:
    """SQLite plans queries well only with fresh statistics (PostgreSQL's autovacuum keeps its
    own); `PRAGMA optimize` refreshes the ones that need it and is cheap when none do."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")
