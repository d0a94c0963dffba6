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
        parser.add_argument(
            "--sign-in",
            action="store_true",
            help="include Sign in with Slack (its redirect URL, from SITE_URL, and user scopes) "
            "even before SLACK_CLIENT_ID is set",
        )

    def handle(self, *args, http, name, sign_in, **options):
        manifest = build_manifest(http_base_url=http, name=name, sign_in=sign_in or None)
        self.stdout.write(json.dumps(manifest, indent=2))
