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
  demo                        try it with no Slack account: a local Slack sandbox
  slack-manifest [--http URL] print the Slack app manifest to create the Slack app
  create-api-token USER       create a REST API token for a user
  migrate                     create or update the database tables
  createsuperuser             create a user who can sign in to the web UI and admin

Every Django management command works too: `response help` lists them all,
`response help <command>` explains one. Configuration comes from environment
variables; see README.md.
"""


HYPHENATED = {"slack-manifest", "create-api-token"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "response.settings")
    if len(argv) < 2 or argv[1] in {"-h", "--help"}:
        print(OVERVIEW)
        return
    from django.core.management import execute_from_command_line

    # Django command modules cannot have hyphens in their names; users type them anyway.
    command = argv[1].replace("-", "_") if argv[1] in HYPHENATED else argv[1]
    execute_from_command_line(["response", command, *argv[2:]])


if __name__ == "__main__":
    main()
