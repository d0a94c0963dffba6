"""`response catalog import FILE`: teams and services from a YAML, JSON or CSV file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from response.importers.catalog import CatalogFileError, import_catalog, read_catalog


class Command(BaseCommand):
    help = (
        "The service catalog. `catalog import FILE` creates or updates teams and services by "
        "slug from a .yaml, .json or .csv file (see docs/catalog.md); one bad entry imports "
        "nothing, and importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="import")
        importing = actions.add_parser(
            "import", help="create or update teams and services from a file"
        )
        importing.add_argument("file", type=Path, metavar="FILE")
        importing.add_argument(
            "--dry-run", action="store_true", help="check the file and say what would change"
        )

    def handle(self, *args, action: str, file: Path, dry_run: bool = False, **options):
        try:
            report = import_catalog(read_catalog(file), dry_run=dry_run)
        except CatalogFileError as error:
            raise CommandError(
                f"Nothing was imported from {file}:\n" + "\n".join(f"  {p}" for p in error.problems)
            ) from None
        for line in report.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("(a dry run: nothing was saved)")
