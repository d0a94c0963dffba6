"""`response create_api_token USERNAME [--name NAME] [--read-only]`: prints a new API token."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from response.api.models import ApiToken
from response.api.tokens import create_api_token, revoke_api_token


class Command(BaseCommand):
    help = (
        "Create an API token for a user and print it (only once: just its digest is stored). "
        "With --revoke PREFIX, revoke the user's token that starts with PREFIX instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="API token", help="What the token is for.")
        parser.add_argument("--read-only", action="store_true", help="May read, not write.")
        parser.add_argument("--revoke", metavar="PREFIX", help="Revoke a token instead.")

    def handle(self, *args, username: str, name: str, read_only: bool, revoke: str | None, **kw):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user called {username!r}.")
        if revoke:
            tokens = ApiToken.objects.filter(user=user, prefix__startswith=revoke[:16])
            if tokens.count() != 1:
                raise CommandError(f"{tokens.count()} tokens of {username} match {revoke!r}.")
            revoke_api_token(tokens.get())
            self.stdout.write(f"Revoked {tokens.get()}.")
            return
        _, token = create_api_token(user, name=name, read_only=read_only)
        self.stdout.write(token)
