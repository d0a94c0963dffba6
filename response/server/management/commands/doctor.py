import sys

from django.core.management.base import BaseCommand

from response.server.doctor import examine


class Command(BaseCommand):
    help = (
        "Check the configuration: Slack token, scopes, signing secret, Socket Mode, the "
        "incidents channel, the database and its migrations, the queue, a worker, SITE_URL."
    )
    # The checks themselves look at the database; Django's own start-up checks would stop
    # `doctor` with a traceback before it could say what is wrong.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def handle(self, *args, **options):
        findings = examine()
        for finding in findings:
            self.stdout.write(finding.line())
        wrong = [finding for finding in findings if not finding.ok]
        if wrong:
            self.stdout.write(f"{len(wrong)} of {len(findings)} checks need attention.")
            sys.exit(1)
        self.stdout.write("Everything Response needs is in place.")
