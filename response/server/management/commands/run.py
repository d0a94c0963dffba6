from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from response.server.connections import slack_mode, startup_line
from response.server.processes import (
    StopSignals,
    WebServer,
    Worker,
    freeze_start_up_objects,
)
from response.slack.startup import check_bot_token, connect_socket_mode


class Command(BaseCommand):
    help = (
        "Run everything in one process: web UI, Slack, worker and scheduler. With no Slack "
        "credentials set, `response run` starts the demo instead (see `response demo --help`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-migrate", action="store_true", help="skip `migrate`")

    def handle(self, *args, host, port, no_migrate, **options):
        stop = StopSignals()
        try:
            if not no_migrate:
                call_command("migrate", interactive=False, verbosity=0)
            if stop.requested.is_set():
                return
            self._serve(host, port, stop)
        finally:
            stop.restore()

    def _serve(self, host: str, port: int, stop: StopSignals) -> None:
        server = WebServer(host=host, port=port)
        worker = Worker()
        freeze_start_up_objects()
        worker.start()
        server.serve_in_thread()
        socket_mode = None
        identity = None  # the bot token's auth.test answer, when start-up asked for it
        try:
            if settings.SLACK_APP_TOKEN and settings.SLACK_BOT_TOKEN:
                socket_mode = connect_socket_mode(say=self.stderr.write, stop=stop.requested)
                if socket_mode is None:  # stopped while Slack was out of reach
                    return
            elif settings.SLACK_BOT_TOKEN:  # a refused token stops here, not at the first event
                identity = check_bot_token(say=self.stderr.write)
            self.stdout.write(
                self.style.SUCCESS(f"Response is running at {server.url}/")
                + f"\n  admin:     {server.url}/admin/"
                + f"\n  database:  {settings.DATABASES['default']['NAME']}"
                + f"\n  data dir:  {settings.DATA_DIR}"
            )
            self.stdout.write(self._slack_status())
            self.stdout.write(startup_line(mode=slack_mode(), identity=identity))
            self.stdout.write("Press Ctrl-C to stop.")
            stop.wait()
        finally:
            if socket_mode is not None:
                socket_mode.close()
            server.close()
            worker.stop()

    def _slack_status(self) -> str:
        missing = [
            name
            for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
            if not getattr(settings, name)
        ]
        if settings.SLACK_APP_TOKEN and settings.SLACK_BOT_TOKEN:
            return "  slack:     Socket Mode (SLACK_APP_TOKEN is set)"
        if not missing:
            return "  slack:     HTTP events at /slack/events"
        return (
            "  slack:     not connected; set "
            + " and ".join(missing)
            + " (and SLACK_APP_TOKEN for Socket Mode). See docs/slack.md."
        )
