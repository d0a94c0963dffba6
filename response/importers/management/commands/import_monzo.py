"""`response import-monzo DATABASE_URL`: bring the original Monzo Response's data over."""

from __future__ import annotations

import sqlite3
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from response.importers.monzo.run import MonzoImport, Options, default_incident_channel_id
from response.importers.monzo.source import SourceError, open_source


class Command(BaseCommand):
    help = (
        "Import incidents, comms channels, headline posts, timelines, actions and chat users "
        "from the original Monzo Response's database (0.5.x; SQLite or PostgreSQL, opened "
        "read-only). Running it again imports only what is new. See docs/migrating.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "database_url",
            metavar="DATABASE_URL",
            help="the original's database: sqlite:////absolute/path/db.sqlite3 (or a plain "
            "path) or postgres://user:password@host:5432/name",
        )
        parser.add_argument(
            "--incident-channel-id",
            help="Slack id (C…) of the channel the original posted headline posts in (its "
            "INCIDENT_CHANNEL_ID); default: RESPONSE_INCIDENT_CHANNEL when that is an id",
        )
        parser.add_argument(
            "--skip-headline-posts",
            action="store_true",
            help="do not import headline posts (the bot will not edit the original's messages)",
        )
        parser.add_argument(
            "--source-time-zone",
            default="UTC",
            help="the original's TIME_ZONE, for times stored without a zone (default: UTC)",
        )
        parser.add_argument(
            "--source-name",
            default="monzo",
            help="a name for this source, to import several originals side by side",
        )
        parser.add_argument("--batch-size", type=int, default=500, help="incidents per commit")
        parser.add_argument(
            "--dry-run", action="store_true", help="read and map everything, write nothing"
        )

    def handle(self, *args, **options):
        try:
            time_zone = ZoneInfo(options["source_time_zone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise CommandError(
                f"Unknown time zone {options['source_time_zone']!r} (an IANA name, e.g. UTC)."
            ) from None
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        if not 0 < len(options["source_name"]) <= 64:
            raise CommandError("--source-name must be 1 to 64 characters long.")
        given = options["incident_channel_id"]
        if given and not default_incident_channel_id(given):
            raise CommandError(
                f"--incident-channel-id needs the channel's Slack id (C…), not {given!r}: "
                "Slack shows it at the bottom of the channel's details."
            )
        channel_id = default_incident_channel_id(given or settings.RESPONSE_INCIDENT_CHANNEL)
        run_options = Options(
            source_name=options["source_name"],
            incident_channel_id=channel_id,
            skip_headline_posts=options["skip_headline_posts"],
            time_zone=time_zone,
            batch_size=options["batch_size"],
            dry_run=options["dry_run"],
        )
        try:
            source = open_source(options["database_url"])
        except SourceError as error:
            raise CommandError(str(error)) from None
        importer = None
        try:
            _check_migrated()
            importer = MonzoImport(source, run_options)
            if not (channel_id or run_options.skip_headline_posts) and (
                pending := importer.pending_headline_posts()
            ):
                raise CommandError(
                    f"The original has {pending} headline posts in its incidents channel, whose "
                    "Slack id it never stored: pass --incident-channel-id C… (its "
                    "INCIDENT_CHANNEL_ID), or --skip-headline-posts."
                )
            if run_options.dry_run:
                with transaction.atomic():
                    report = importer.run()
                    transaction.set_rollback(True)
            else:
                report = importer.run()
        except (SourceError, sqlite3.Error, psycopg.Error) as error:
            self._partial(importer)
            raise CommandError(f"Reading the original's database failed: {_line(error)}") from None
        except DatabaseError as error:
            self._partial(importer)
            raise CommandError(
                f"Writing here failed: {_line(error)}. What was committed stays; run the command "
                "again to continue where it stopped."
            ) from None
        finally:
            source.close()
        self.stdout.write(report.render(), ending="")

    def _partial(self, importer: MonzoImport | None) -> None:
        if importer is not None and importer.report.imported_total:
            self.stdout.write("Stopped part-way; so far:\n" + importer.report.render(), ending="")


def _check_migrated() -> None:
    try:
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        raise CommandError(f"Cannot use this install's database: {_line(error)}") from None
    if unapplied:
        raise CommandError(
            "This install's database is not up to date: run `response migrate` first."
        )


def _line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else error.__class__.__name__
