import json

from django.core.management.base import BaseCommand

from response.slack.manifest import build_manifest


class Command(BaseCommand):
    help = (
        "Print the Slack app manifest (JSON) to paste into Slack when creating the app. "
        "Socket Mode by default; --http URL for HTTP delivery to URL/slack/events."
    )

    def add_arguments(self, parser):
        parser.add_argument("--http", metavar="URL", help="public base URL of `response web`")
        parser.add_argument("--name", default="Response", help="the app's name in Slack")

    def handle(self, *args, http, name, **options):
        self.stdout.write(json.dumps(build_manifest(http_base_url=http, name=name), indent=2))
