from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from response.serving import WebServer, create_consumer


class Command(BaseCommand):
    help = "Run everything in one process: web UI, Slack, worker and scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-migrate", action="store_true", help="skip `migrate`")

    def handle(self, *args, host, port, no_migrate, **options):
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        server = WebServer(host=host, port=port)
        consumer = create_consumer()
        server.serve_in_thread()
        socket_mode = None
        if settings.SLACK_APP_TOKEN and settings.SLACK_BOT_TOKEN:
            from response.slack.socket_mode import start_socket_mode

            socket_mode = start_socket_mode()
        self.stdout.write(
            self.style.SUCCESS(f"Response is running at {server.url}/")
            + f"\n  admin:     {server.url}/admin/"
            + f"\n  database:  {settings.DATABASES['default']['NAME']}"
            + f"\n  data dir:  {settings.DATA_DIR}"
        )
        self.stdout.write(self._slack_status())
        self.stdout.write("Press Ctrl-C to stop.")
        try:
            # The consumer owns the main thread: it installs the signal handlers for a clean stop.
            consumer.run()
        finally:
            if socket_mode is not None:
                socket_mode.close()
            server.close()

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
