from django.conf import settings
from django.core.management.base import BaseCommand

from response.observability.exporter import MetricsServer
from response.server.connections import startup_line
from response.server.processes import (
    StopSignals,
    Worker,
    freeze_start_up_objects,
    require_migrated,
)
from response.slack.startup import check_bot_token


class Command(BaseCommand):
    help = "Run the background worker: Slack work, delivered events, reminders, housekeeping."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=None, help="worker threads")
        parser.add_argument(
            "--metrics-port",
            type=int,
            default=settings.RESPONSE_METRICS_PORT,
            help="serve Prometheus metrics on this port (default: RESPONSE_METRICS_PORT; none)",
        )

    def handle(self, *args, workers, metrics_port, **options):
        stop = StopSignals()
        try:
            require_migrated()
            identity = None
            if settings.SLACK_BOT_TOKEN:  # a refused token stops here, not at the first job
                identity = check_bot_token(say=self.stderr.write)
            self._work(workers, metrics_port, stop, identity)
        finally:
            stop.restore()

    def _work(
        self,
        workers: int | None,
        metrics_port: int | None,
        stop: StopSignals,
        identity: dict | None,
    ) -> None:
        worker = Worker(workers)
        freeze_start_up_objects()
        worker.start()
        self.stdout.write(
            f"Response worker started with {worker.engine.threads} threads (Ctrl-C to stop)."
        )
        self.stdout.write(startup_line(mode="", identity=identity))
        metrics = None
        if metrics_port is not None:
            metrics = MetricsServer(settings.RESPONSE_METRICS_HOST, metrics_port).start()
            host = settings.RESPONSE_METRICS_HOST
            self.stdout.write(f"Metrics for Prometheus at http://{host}:{metrics.port}/metrics")
        try:
            stop.wait()
        finally:
            if metrics is not None:
                metrics.stop()
            worker.stop()
