from django.core.management.base import BaseCommand

from response.serving import create_consumer


class Command(BaseCommand):
    help = "Run the background worker and scheduler (Slack deliveries, reminders, ...)."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=None, help="worker threads")

    def handle(self, *args, workers, **options):
        consumer = create_consumer(workers)
        self.stdout.write("Response worker started (Ctrl-C to stop).")
        consumer.run()
