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
  jobs [retry|discard ID…]    the work engine's jobs: counts, the oldest waiting, the dead
  doctor                      check the configuration: Slack, database, queue, a worker
  demo [--port P] [--slack-port S] [--reset]
                              try it with no Slack account: a local Slack sandbox
                              (what `run` starts when no Slack credentials are set)
  slack-manifest [--http URL] print the Slack app manifest to create the Slack app
  create-api-token USER       create a REST API token for a user
  import-monzo DATABASE_URL   import incidents from the original Monzo Response's database
  migrate                     create or update the database tables
  createsuperuser             create a user who can sign in to the web UI and admin

Every Django management command works too: `response help` lists them all,
`response help <command>` explains one. Configuration comes from environment
variables; see README.md.
"""


HYPHENATED = {"slack-manifest", "create-api-token", "import-monzo"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "response.settings")
    if len(argv) < 2 or argv[1] in {"-h", "--help"}:
        print(OVERVIEW)
        return
    if argv[1] == "demo" or (argv[1] == "run" and not _slack_configured()):
        # Settings are read when Django starts: the demo's environment must be set first.
        from response.server import demo

        if argv[1] == "run":
            print(
                "No Slack credentials are set (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, "
                "SLACK_APP_TOKEN),\nso this starts the demo: a local Slack sandbox wired to "
                "Response.\nTo connect real Slack, set them as docs/slack.md explains.\n",
                flush=True,
            )
        argv = demo.prepare(argv[2:], prog=f"response {argv[1]}")
    from django.core.management import execute_from_command_line

    # Django command modules cannot have hyphens in their names; users type them anyway.
    command = argv[1].replace("-", "_") if argv[1] in HYPHENATED else argv[1]
    execute_from_command_line(["response", command, *argv[2:]])


def _slack_configured() -> bool:
    from response.server.demo import slack_configured

    return slack_configured()


if __name__ == "__main__":
    main()
