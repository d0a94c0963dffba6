"""`response demo`: fakeslack's demo workspace, Response wired to it, web UI, worker, scheduler.

Run it through the console script (`response demo`, or `response run` with no Slack
credentials), which sets the demo's environment before Django reads its settings.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from response.core.models import CustomField, IncidentType, Service, Team
from response.importers.catalog import Entry, import_catalog
from response.integrations.pagerduty import demo as pagerduty_demo
from response.server import demo
from response.server.processes import StopSignals, WebServer, Worker

logger = logging.getLogger("response")
HINT = (
    "Welcome to Acme Corp's Slack sandbox. To declare your first incident, type "
    "`/incident Checkout is failing` in #general and press Enter."
)
SAVE_EVERY = 5.0  # seconds between saves of the Slack workspace

# The service catalog of the demo (docs/catalog.md), owned by the sandbox's two user groups: so
# that "Affected services" in the declare form brings people in.
DEMO_CATALOG = [
    Entry("team", "demo", {"slug": "payments", "name": "Payments", "slack_usergroup": "oncall"}),
    Entry("team", "demo", {"slug": "platform", "name": "Platform", "slack_usergroup": "sre"}),
    Entry(
        "service", "demo", {"slug": "checkout", "name": "Checkout", "team": "payments", "tier": 1}
    ),
    Entry("service", "demo", {"slug": "ledger", "name": "Ledger", "team": "payments", "tier": 2}),
    Entry(
        "service", "demo", {"slug": "database", "name": "Database", "team": "platform", "tier": 1}
    ),
    Entry("service", "demo", {"slug": "search", "name": "Search", "team": "platform", "tier": 3}),
]


def seed_demo_types() -> None:
    """Incident types to choose from when declaring (docs/slack.md, Incident types): their fields
    are asked in the declare form once one is chosen; none of them is required."""
    customer = IncidentType.objects.create(
        name="Customer-facing",
        slug="customer",
        description="Customers see errors or cannot pay.",
        order=1,
    )
    CustomField.objects.create(
        incident_type=customer,
        label="Customer tier",
        key="tier",
        kind="single_select",
        options=["Standard", "Gold"],
        default="Standard",
        order=1,
    )
    CustomField.objects.create(
        incident_type=customer,
        label="Customers affected",
        key="customers",
        kind="number",
        help_text="A rough count is fine.",
        order=2,
    )
    security = IncidentType.objects.create(
        name="Security",
        slug="security",
        description="Data or access at risk: private unless you say otherwise.",
        private_by_default=True,
        order=2,
    )
    CustomField.objects.create(
        incident_type=security,
        label="Data exposed",
        key="data_exposed",
        kind="single_select",
        options=["Unknown", "No", "Yes"],
        default="Unknown",
        order=1,
    )
    IncidentType.objects.create(
        name="Internal", slug="internal", description="Only our own tools are hurt.", order=3
    )


class Command(BaseCommand):
    help = "Try Response with no Slack account: a local Slack sandbox wired to Response."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--slack-port", type=int, default=8001)
        parser.add_argument("--no-migrate", action="store_true", help="skip `migrate`")

    def handle(self, *args, host, port, slack_port, no_migrate, **options):
        stop = StopSignals()
        try:
            self._run(host, port, slack_port, no_migrate, stop)
        finally:
            stop.restore()

    def _run(self, host, port, slack_port, no_migrate, stop: StopSignals) -> None:
        if os.environ.get("RESPONSE_DEMO") != "1" or not settings.SLACK_API_URL.startswith(
            f"http://127.0.0.1:{slack_port}/"
        ):
            raise CommandError(
                "Start the demo with the console script (`response demo`): it prepares the "
                "demo's settings before Django starts."
            )
        from fakeslack import FakeSlack, Workspace, persist, sandbox
        from response.integrations.statuspage import demo as statuspage_demo
        from response.slack import http
        from response.slack.manifest import build_manifest

        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        if stop.requested.is_set():
            return
        self._demo_login()
        if not Team.objects.exists() and not Service.objects.exists():
            import_catalog(DEMO_CATALOG)  # only into an empty catalog: never over the user's
        if not IncidentType.objects.exists():
            seed_demo_types()
        data_dir = Path(settings.DATA_DIR)
        credentials = demo.demo_credentials(data_dir)
        workspace = Workspace.default()
        workspace.bot_token = credentials["bot_token"]
        workspace.app_token = credentials["app_token"]
        workspace.signing_secret = credentials["signing_secret"]
        workspace.client_id = settings.SLACK_CLIENT_ID
        workspace.client_secret = settings.SLACK_CLIENT_SECRET
        slack = FakeSlack(workspace, port=slack_port)
        saved = data_dir / demo.WORKSPACE_FILE
        restored = persist.load(slack, saved)
        sandbox.configure(slack, app=build_manifest(), hint=HINT)
        try:
            slack.start()
        except OSError as error:
            raise CommandError(
                f"The Slack sandbox cannot listen on port {slack_port}: {error}. "
                "Choose another with --slack-port."
            ) from None
        statuspage = statuspage_demo.start(settings, data_dir)
        try:
            server = WebServer(host=host, port=port)
        except OSError as error:
            statuspage_demo.stop(statuspage, data_dir)
            slack.stop()
            raise CommandError(
                f"The web UI cannot listen on port {port}: {error}. Choose another with --port."
            ) from None
        local = demo._local_host(host)
        slack.configure_app(request_url=f"http://{local}:{server.port}/slack/events")
        http.reset()
        pagerduty = pagerduty_demo.start_fake(
            webhook_url=f"http://{local}:{server.port}/integrations/pagerduty/webhook"
        )
        worker = Worker()
        worker.start()
        server.serve_in_thread()
        stop_saving = threading.Event()
        saver = threading.Thread(
            target=self._save_periodically,
            args=(slack, saved, stop_saving),
            name="demo-save",
            daemon=True,
        )
        saver.start()
        user, password = demo.DEMO_LOGIN
        self.stdout.write(
            self.style.SUCCESS(f"Response is running at {server.url}/")
            + "\n  demo mode: a local Slack workspace (fakeslack), nothing leaves this machine"
            + self.style.SUCCESS(f"\n  Slack sandbox: {slack.url}/")
            + "  <- open this, then type /incident Checkout is failing in #general"
            + f"\n  web UI:        {server.url}/  (Sign in with Slack: pick who you are;"
            + f" or {user} / {password})"
            + statuspage_demo.banner(statuspage)
            + f"\n  PagerDuty:     a local fake at {pagerduty.url} (the headline's 📟 Page on-call)"
            + f"\n  admin:         {server.url}/admin/"
            + f"\n  data dir:      {settings.DATA_DIR}"
            + ("  (restored the Slack history)" if restored else "")
            + "\n  keep the data between runs; `response demo --reset` starts afresh"
        )
        self.stdout.write("Press Ctrl-C to stop.")
        try:
            stop.wait()
        finally:
            stop_saving.set()
            saver.join(timeout=5)
            server.close()
            worker.stop()
            pagerduty.stop()
            persist.save(slack, saved)
            statuspage_demo.stop(statuspage, data_dir)
            slack.stop()
            self.stdout.write("Stopped; the demo's data is kept in " + str(settings.DATA_DIR))

    def _demo_login(self) -> None:
        from django.contrib.auth import get_user_model

        username, password = demo.DEMO_LOGIN
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])

    @staticmethod
    def _save_periodically(slack, path: Path, stop: threading.Event) -> None:
        from fakeslack import persist

        saved = None
        while not stop.wait(SAVE_EVERY):
            try:
                saved = persist.save(slack, path, previous=saved)
            except Exception:  # a failed save is retried at the next tick and on exit
                logger.exception("could not save the demo's Slack workspace")
