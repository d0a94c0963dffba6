"""The `response` console script: Response's own commands plus every Django management command."""

from __future__ import annotations

import os
import sys
from pathlib import Path

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
  catalog import FILE         create or update teams and services from YAML, JSON or CSV
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
    try:
        _run_command(argv)
    except Exception as error:
        _exit_explaining(error)


def _run_command(argv: list[str]) -> None:
    from response.envfile import load_env_file
    from response.production import production_refusal

    # Before anything reads the environment; variables already set win over the file.
    load_env_file(Path.cwd() / ".env")
    if refusal := production_refusal(os.environ, argv[1]):
        _exit(refusal)
    asks_for_help = any(arg in {"-h", "--help"} for arg in argv[2:])
    if argv[1] == "demo" or (argv[1] == "run" and not asks_for_help and not _slack_configured()):
        if os.environ.get("RESPONSE_ENV", "").strip().lower() == "production":
            _exit(
                "The demo does not run in production mode (RESPONSE_ENV=production): unset "
                "RESPONSE_ENV to try it."
            )
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
    import django
    from django.core.management import execute_from_command_line

    # Settings read here, so a configuration mistake is explained before any command runs.
    django.setup()
    # Django command modules cannot have hyphens in their names; users type them anyway.
    command = argv[1].replace("-", "_") if argv[1] in HYPHENATED else argv[1]
    execute_from_command_line(["response", command, *argv[2:]])


def _exit_explaining(error: Exception) -> None:
    """A known start-up failure in a line or two and exit 1; anything else, its traceback."""
    from response.production import debug_on
    from response.server.errors import explain

    message = explain(error)
    if message is None or debug_on(os.environ):
        raise error
    _exit(message)


def _exit(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
    sys.exit(1)


def _slack_configured() -> bool:
    from response.server.demo import slack_configured

    return slack_configured()


if __name__ == "__main__":
    main()
