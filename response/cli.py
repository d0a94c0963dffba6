"""The `response` console script: Response's own commands plus every Django management command."""

from __future__ import annotations

import os
import sys

OVERVIEW = """\
usage: response <command> [options]

Response: Slack-native incident response.

Everyday commands:
  run [--host H] [--port P]   web UI, Slack, worker and scheduler in one process
                              (embedded defaults: SQLite and an in-process worker)
  web [--host H] [--port P]   the production web server only (run `worker` beside it)
  worker [--workers N]        the background worker and scheduler only
  migrate                     create or update the database tables
  createsuperuser             create a user who can sign in to the web UI and admin

Every Django management command works too: `response help` lists them all,
`response help <command>` explains one. Configuration comes from environment
variables; see README.md.
"""


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "response.settings")
    if len(argv) < 2 or argv[1] in {"-h", "--help"}:
        print(OVERVIEW)
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["response", *argv[1:]])


if __name__ == "__main__":
    main()
