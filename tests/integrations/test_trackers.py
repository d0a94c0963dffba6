"""Follow-up actions exported to Jira and GitHub Issues, end to end: from Slack (signed
deliveries to the real endpoint), the web page and the API, through the real work engine, to the
fake Jira and GitHub over real HTTP; and back through their signed webhooks and the periodic
sync. Nothing here is patched."""

from __future__ import annotations

import importlib
import sys

import pytest
from django.urls import reverse

from fakes.github import FakeGitHub
from fakes.jira import FakeJira
from response.core import verbs
from response.core.models import Action, AuditEvent, Incident, TimelineEvent
from response.engine.models import Job
from response.slack.decorators import isolated_registries
from tests.slack.helpers import declare_in_slack, mention

JIRA_SECRET = "jira-webhook-secret"
GITHUB_SECRET = "github-webhook-secret"
PLUGIN = "response.integrations.trackers.plugin"


@pytest.fixture
def jira(live_server):
    webhook = f"{live_server.url}/integrations/trackers/jira"
    with FakeJira(webhook_url=webhook, webhook_secret=JIRA_SECRET) as fake:
        yield fake


@pytest.fixture
def github(live_server):
    webhook = f"{live_server.url}/integrations/trackers/github"
    with FakeGitHub(webhook_url=webhook, webhook_secret=GITHUB_SECRET) as fake:
        yield fake


@pytest.fixture
def trackers(settings, jira, github):
    """Both trackers set up (Jira offered first), and the plugin loaded as at start-up."""
    settings.JIRA_URL = jira.url
    settings.JIRA_EMAIL = jira.email
    settings.JIRA_API_TOKEN = jira.api_token
    settings.JIRA_PROJECT_KEY = "OPS"
    settings.JIRA_ISSUE_TYPE = "Task"
    settings.JIRA_WEBHOOK_SECRET = JIRA_SECRET
    settings.GITHUB_TOKEN = github.token
    settings.GITHUB_REPOSITORY = "acme/ops"
    settings.GITHUB_API_URL = github.url
    settings.GITHUB_WEBHOOK_SECRET = GITHUB_SECRET
    settings.TRACKERS = ["jira", "github"]
    settings.TRACKERS_SYNC_SECONDS = 3600  # the sync test makes it short
    settings.RESPONSE_SLACK_MAX_BACKOFF = 1  # the ceiling of a remote service's backoff
    with isolated_registries():
        if PLUGIN in sys.modules:
            importlib.reload(sys.modules[PLUGIN])
        else:
            importlib.import_module(PLUGIN)
        yield


def created(fake) -> list:
    return fake.received("POST", r"/rest/api/3/issue$|/repos/acme/ops/issues$")


def action_in_slack(slack, channel_id, text, user="alice"):
    """`@Response action <text>`; returns the action and the ts of the reply with its buttons."""
    mention(slack, user, channel_id, f"action {text}")
    reply = slack.wait_for(
        lambda: next(
            (m for m in slack.messages(channel_id) if "trackers-export" in str(m.get("blocks"))),
            None,
        ),
        timeout=15,
    )
    return Action.objects.get(text=text), reply["ts"]


def buttons_of(message) -> list[str]:
    return [
        element["action_id"]
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


# --- From Slack -----------------------------------------------------------------------------------


def test_exported_once_from_slack_even_when_the_button_is_pressed_twice(
    slack, worker, trackers, jira
):
    incident, channel_id = declare_in_slack(slack)
    action, ts = action_in_slack(slack, channel_id, "Rotate the certificate")
    reply = slack.message(channel_id, ts)
    assert reply["text"] == "📝 Follow-up action recorded: Rotate the certificate"  # one reply
    assert buttons_of(reply) == ["trackers-export-jira", "trackers-export-github"]

    alice = slack.actor("alice")
    jira.outage(503)  # slow to answer: both presses land while the export is under way
    assert alice.click(channel_id, ts, "trackers-export-jira").ok
    assert alice.click(channel_id, ts, "trackers-export-jira").ok
    jira.recover()
    assert worker.settled()
    told = [e["text"] for e in slack.ephemeral(channel_id, slack.user_id("alice"))]
    assert (
        told.count("⏳ Exporting this follow-up action to Jira: the link will be posted here.") == 1
    )

    [request] = created(jira)
    fields = request.json()["fields"]
    assert fields["summary"] == "Rotate the certificate"
    assert fields["labels"] == ["response", f"response-action-{action.pk}"]
    assert fields["description"]["type"] == "doc"
    action.refresh_from_db()
    assert (action.tracker, action.tracker_key) == ("jira", "OPS-1")
    assert action.tracker_url == f"{jira.url}/browse/OPS-1"
    # The link, in the channel, and on the timeline.
    link = f"<{jira.url}/browse/OPS-1|OPS-1>"
    texts = [m["text"] for m in slack.messages(channel_id)]
    assert [t for t in texts if link in t] == [
        f"🔗 Follow-up action exported to Jira as {link}: Rotate the certificate"
    ]
    entry = TimelineEvent.objects.get(incident=incident, metadata__tracker_key="OPS-1")
    assert entry.url == action.tracker_url
    assert AuditEvent.objects.filter(verb="action.export_requested").count() == 1
    # Pressed once more, now that it exists: told, not exported again.
    assert alice.click(channel_id, ts, "trackers-export-jira").ok
    slack.wait_for(
        lambda: any(
            "already exported to Jira: OPS-1" in e["text"]
            for e in slack.ephemeral(channel_id, slack.user_id("alice"))
        ),
        timeout=10,
    )
    assert len(created(jira)) == 1
    assert not Job.objects.filter(state="dead").exists()


def test_exported_to_github_from_slack(slack, worker, trackers, github):
    _, channel_id = declare_in_slack(slack)
    action, ts = action_in_slack(slack, channel_id, "Add an alert on expiry @sre")
    assert slack.actor("bob").click(channel_id, ts, "trackers-export-github").ok
    assert worker.settled()
    [request] = created(github)
    assert request.json()["title"] == "Add an alert on expiry @sre"
    assert f"<!-- response-action-{action.pk} -->" in request.json()["body"]
    action.refresh_from_db()
    assert (action.tracker_key, action.tracker_url) == (
        "acme/ops#1",
        "https://github.com/acme/ops/issues/1",
    )


def test_a_refused_export_is_told_to_whoever_pressed_and_may_be_tried_again(
    slack, worker, trackers, jira, settings
):
    incident, channel_id = declare_in_slack(slack)
    action, ts = action_in_slack(slack, channel_id, "Write the runbook")
    settings.JIRA_PROJECT_KEY = "NOPE"
    alice = slack.actor("alice")
    assert alice.click(channel_id, ts, "trackers-export-jira").ok
    told = slack.wait_for(
        lambda: [
            e["text"]
            for e in slack.ephemeral(channel_id, slack.user_id("alice"))
            if "refused" in e["text"]
        ],
        timeout=15,
    )
    assert "Jira refused to create the issue" in told[0]
    assert "valid project is required" in told[0]
    action.refresh_from_db()
    assert (action.tracker, action.tracker_key) == ("", "")
    assert "valid project is required" in action.tracker_error
    assert TimelineEvent.objects.filter(
        incident=incident,
        text__startswith="Exporting the follow-up action “Write the runbook” to Jira failed: ",
    ).exists()
    assert not Job.objects.filter(state="dead").exists()  # said where she acted, not parked

    settings.JIRA_PROJECT_KEY = "OPS"  # fixed: pressing again exports it
    assert alice.click(channel_id, ts, "trackers-export-jira").ok
    assert worker.settled()
    action.refresh_from_db()
    assert (action.tracker_key, action.tracker_error) == ("OPS-1", "")


# --- The other side fails -------------------------------------------------------------------------


@pytest.mark.parametrize("tracker", ["jira", "github"])
def test_an_outage_then_recovery_exports_everything_once_in_order(
    slack, worker, trackers, jira, github, tracker
):
    fake = jira if tracker == "jira" else github
    incident, channel_id = declare_in_slack(slack)
    first = verbs.add_action(incident, "First thing")
    second = verbs.add_action(incident, "Second thing")
    assert worker.settled()
    fake.outage(503)
    verbs.request_action_export(first, tracker, by=None)
    verbs.request_action_export(second, tracker, by=None)
    slack.wait_for(
        lambda: Job.objects.filter(
            kind="trackers.export", state="pending", attempts__gte=2
        ).exists(),
        timeout=15,
    )
    assert fake.requests == []  # refused by the outage: nothing applied
    # Slack does not wait for the tracker: the incident goes on.
    mention(slack, "alice", channel_id, "severity critical")
    slack.wait_for(lambda: Incident.objects.get(pk=incident.pk).severity_id, timeout=10)

    fake.recover()
    assert worker.settled()
    titles = [
        r.json()["fields"]["summary"] if tracker == "jira" else r.json()["title"]
        for r in created(fake)
    ]
    assert titles == ["First thing", "Second thing"]
    first.refresh_from_db()
    second.refresh_from_db()
    keys = ("OPS-1", "OPS-2") if tracker == "jira" else ("acme/ops#1", "acme/ops#2")
    assert (first.tracker_key, second.tracker_key) == keys
    assert not Job.objects.filter(state="dead").exists()


@pytest.mark.parametrize("tracker", ["jira", "github"])
def test_a_lost_answer_makes_one_issue(slack, worker, trackers, jira, github, tracker):
    fake = jira if tracker == "jira" else github
    incident, _ = declare_in_slack(slack)
    action = verbs.add_action(incident, "Only once")
    assert worker.settled()
    fake.drop_answers(1)  # the issue is created, its answer lost: the job retries
    verbs.request_action_export(action, tracker, by=None)
    assert worker.settled()
    assert len(created(fake)) == 1
    assert len(fake.issues) == 1
    action.refresh_from_db()
    assert action.tracker_key in ("OPS-1", "acme/ops#1")


# --- Back from the tracker: webhooks and the periodic sync ----------------------------------------


def exported(incident, tracker, slack, text="Fix the alerting"):
    action = verbs.add_action(incident, text)
    verbs.request_action_export(action, tracker, by=None)
    # Not worker.settled(): with a short sync interval, there is always a sync due soon.
    slack.wait_for(lambda: Action.objects.get(pk=action.pk).tracker_key, timeout=20)
    action.refresh_from_db()
    return action


def test_closing_the_github_issue_marks_the_action_done_once(slack, worker, trackers, github):
    incident, _ = declare_in_slack(slack)
    action = exported(incident, "github", slack)
    delivery = github.close(1)
    action.refresh_from_db()
    assert action.done
    assert github.redeliver() == (200, b'{"result": "redelivered"}')
    assert AuditEvent.objects.filter(verb="action.completed", object_id=str(action.pk)).count() == 1

    github.reopen(1)
    action.refresh_from_db()
    assert not action.done
    assert github.deliver(delivery, secret="wrong")[0] == 401
    action.refresh_from_db()
    assert not action.done


def test_closing_the_jira_issue_marks_the_action_done(slack, worker, trackers, jira):
    incident, _ = declare_in_slack(slack)
    action = exported(incident, "jira", slack)
    status, _ = jira.close("OPS-1")
    assert status == 200
    action.refresh_from_db()
    assert action.done
    jira.reopen("OPS-1")
    action.refresh_from_db()
    assert not action.done


def test_a_badly_signed_webhook_is_refused(live_server, trackers, jira, github):
    payload = {"webhookEvent": "jira:issue_updated", "issue": {"key": "OPS-1"}}
    assert jira.send_webhook(payload, secret="wrong")[0] == 401
    url = f"{live_server.url}/integrations/trackers/github"
    assert github.post_json(url, {"action": "closed"}, {"X-GitHub-Event": "issues"})[0] == 401


def test_the_periodic_sync_finds_what_a_webhook_missed(
    slack, worker, trackers, jira, github, settings
):
    settings.TRACKERS_SYNC_SECONDS = 1
    incident, _ = declare_in_slack(slack)
    in_jira = exported(incident, "jira", slack, text="In Jira")
    in_github = exported(incident, "github", slack, text="On GitHub")
    jira.close("OPS-1", notify=False)  # the webhook never arrives
    github.close(1, notify=False)
    slack.wait_for(
        lambda: Action.objects.filter(pk__in=[in_jira.pk, in_github.pk], done=True).count() == 2,
        timeout=20,
    )
    # Nothing exported is open any more: the sync stops asking.
    slack.wait_for(
        lambda: not Job.objects.filter(kind="trackers.sync", state="pending").exists(), timeout=10
    )


# --- From the web page and the API ----------------------------------------------------------------


@pytest.fixture
def signed_in(transactional_db, client, django_user_model):
    user = django_user_model.objects.create_user("alex", "alex@example.com", "pw")
    client.force_login(user)
    return client


def test_exported_once_from_the_web_page(worker, trackers, jira, signed_in):
    from tests.factories import declare

    incident = declare()
    action = verbs.add_action(incident, "Renew the certificate")
    page_url = reverse("web:incident", args=[incident.pk])
    page = signed_in.get(page_url).content.decode()
    assert "Export to Jira" in page and "Export to GitHub" in page

    url = reverse("web:export_action", args=[incident.pk, action.pk])
    jira.outage(503)  # slow to answer: both presses land while the export is under way
    section = signed_in.post(url, {"tracker": "jira"}, headers={"HX-Request": "true"})
    assert section.status_code == 200  # htmx: the actions section, swapped in place
    assert "Exporting to Jira…" in section.content.decode()
    assert signed_in.post(url, {"tracker": "jira"}).status_code == 302  # pressed twice
    jira.recover()
    assert worker.settled()
    assert len(created(jira)) == 1
    page = signed_in.get(page_url).content.decode()
    assert f'href="{jira.url}/browse/OPS-1"' in page
    assert "Export to Jira" not in page
    refused = signed_in.post(url, {"tracker": "jira"})
    assert refused.status_code == 409
    assert "already exported to Jira: OPS-1" in refused.content.decode()


def test_a_refusal_shows_on_the_action_in_the_web_page(worker, trackers, jira, signed_in, settings):
    from tests.factories import declare

    incident = declare()
    action = verbs.add_action(incident, "Renew the certificate")
    settings.JIRA_PROJECT_KEY = "NOPE"
    url = reverse("web:export_action", args=[incident.pk, action.pk])
    assert signed_in.post(url, {"tracker": "jira"}).status_code == 302
    assert worker.settled()
    page = signed_in.get(reverse("web:incident", args=[incident.pk])).content.decode()
    assert "Export refused:" in page and "valid project is required" in page


def test_exported_through_the_api(worker, trackers, jira, github, settings, db):
    from response.api.tokens import create_api_token
    from tests.api.conftest import ApiClient
    from tests.factories import declare

    user = __import__("django.contrib.auth", fromlist=["get_user_model"]).get_user_model()
    _, token = create_api_token(user.objects.create_user("api", "api@example.com"), name="t")
    api = ApiClient(token)
    incident = declare()
    action = verbs.add_action(incident, "Add a dashboard")

    github.outage(503)  # slow to answer: both requests land while the export is under way
    answer = api.post(f"/api/actions/{action.pk}/export", {"tracker": "github"})
    assert answer.status_code == 202
    assert answer.json()["tracker"] == "github" and answer.json()["tracker_key"] == ""
    assert api.post(f"/api/actions/{action.pk}/export", {"tracker": "github"}).status_code == 202
    github.recover()
    assert worker.settled()
    assert len(created(github)) == 1
    body = api.get(f"/api/actions/{action.pk}").json()
    assert (body["tracker_key"], body["tracker_url"]) == (
        "acme/ops#1",
        "https://github.com/acme/ops/issues/1",
    )
    again = api.post(f"/api/actions/{action.pk}/export")
    assert again.status_code == 409
    assert "already exported to GitHub: acme/ops#1" in again.json()["message"]

    other = verbs.add_action(incident, "Another")
    settings.TRACKERS = []
    nothing = api.post(f"/api/actions/{other.pk}/export")
    assert nothing.status_code == 400
    assert "No issue tracker is set up" in nothing.json()["message"]
