from django.core.management.base import BaseCommand

from response.server.connections import startup_line
from response.server.processes import (
    StopSignals,
    WebServer,
    freeze_start_up_objects,
    require_migrated,
)


class Command(BaseCommand):
    help = "Serve the web UI, the REST API and Slack's HTTP endpoint with a production server."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host, port, threads, **options):
        stop = StopSignals()
        try:
            require_migrated()
            self._serve(host, port, threads, stop)
        finally:
            stop.restore()

    def _serve(self, host: str, port: int, threads: int, stop: StopSignals) -> None:
        server = WebServer(host=host, port=port, threads=threads)
        freeze_start_up_objects()
        server.serve_in_thread()
        self.stdout.write(f"Response is serving on {server.url}/  (Ctrl-C to stop)")
        self.stdout.write(startup_line(mode="HTTP events at /slack/events"))
        try:
            stop.wait()
        finally:
            server.close()
