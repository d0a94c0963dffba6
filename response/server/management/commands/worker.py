from django.core.management.base import BaseCommand

from response.server.connections import startup_line
from response.server.processes import StopSignals, Worker


class Command(BaseCommand):
    help = "Run the background worker: Slack work, delivered events, reminders, housekeeping."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=None, help="worker threads")

    def handle(self, *args, workers, **options):
        stop = StopSignals()
        worker = Worker(workers)
        worker.start()
        self.stdout.write(
            f"Response worker started with {worker.engine.threads} threads (Ctrl-C to stop)."
        )
        self.stdout.write(startup_line(mode=""))
        try:
            stop.wait()
        finally:
            worker.stop()
            stop.restore()
