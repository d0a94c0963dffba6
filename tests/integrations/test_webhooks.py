"""Outgoing webhooks end to end: changes made through the API or Slack, the real work engine
delivering them over HTTP to a local Standard Webhooks receiver (fakes/webhooks.py) that checks
every signature, and what the delivery log says."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fakes.service import Reply
from fakes.webhooks import FakeWebhookReceiver
from response import integrations
from response.api.tokens import create_api_token
from response.core import verbs
from response.core.models import Incident
from response.engine.models import Job
from response.integrations.webhooks import plugin
from response.integrations.webhooks.models import Delivery, Endpoint
from response.integrations.webhooks.operations import prune_delivered
from response.integrations.webhooks.subscribers import forget_subscribers
from tests.factories import ExternalUserFactory, declare
from tests.slack.helpers import declare_in_slack, headline_blocks, mention, reactions_on


class ApiClient(Client):
    """The REST API as a script would call it: JSON bodies and a bearer token."""

    def __init__(self, token: str):
        super().__init__(headers={"Authorization": f"Bearer {token}"})

    def post(self, path, data=None, **kwargs):
        return super().post(path, data or {}, content_type="application/json", **kwargs)

    def patch(self, path, data=None, **kwargs):
        return super().patch(path, data or {}, content_type="application/json", **kwargs)


@pytest.fixture
def webhooks(settings):
    """RESPONSE_WEBHOOKS=on: the plugin's receiver listens (as when loaded at start-up)."""
    settings.RESPONSE_WEBHOOKS = True
    settings.RESPONSE_WEBHOOKS_REJECTED_RETRIES = [0.2, 0.2]
    settings.RESPONSE_SLACK_MAX_BACKOFF = 1  # the engine's longest wait for a service that is down
    forget_subscribers()
    plugin.switch_on()
    yield
    plugin.switch_off()
    forget_subscribers()


@pytest.fixture
def receiver():
    with FakeWebhookReceiver() as fake:
        yield fake


@pytest.fixture
def api(transactional_db):
    user = get_user_model().objects.create_user("alice", "alice@example.com")
    ExternalUserFactory(user=user, display_name="alice")
    _, token = create_api_token(user, name="tests")
    return ApiClient(token)


def make_endpoint(receiver: FakeWebhookReceiver, name: str, **fields) -> Endpoint:
    endpoint = Endpoint.objects.create(url=f"{receiver.url}/hooks/{name}", **fields)
    receiver.endpoint(name, secret=endpoint.secret)
    return endpoint


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


# --- The whole flow -------------------------------------------------------------------------------


def test_every_event_of_an_incident_arrives_signed_in_order(webhooks, receiver, worker, api):
    make_endpoint(receiver, "ops", description="Ops dashboard")

    declared = api.post("/api/incidents", {"title": "Checkout is down", "severity": "major"})
    assert declared.status_code == 201, declared.content
    incident_id = declared.json()["id"]
    assert api.patch(f"/api/incidents/{incident_id}", {"severity": "critical"}).status_code == 200
    update = api.post(f"/api/incidents/{incident_id}/updates", {"text": "Rolling back"})
    assert update.status_code == 201
    action = api.post(f"/api/incidents/{incident_id}/actions", {"text": "Add an alert"})
    assert action.status_code == 201
    assert api.post(f"/api/actions/{action.json()['id']}/complete").status_code == 200
    assert api.post(f"/api/incidents/{incident_id}/resolve").status_code == 200
    assert api.post(f"/api/incidents/{incident_id}/reopen").status_code == 200
    assert worker.settled()

    assert receiver.types("ops") == [
        "incident.declared",
        "incident.updated",
        "incident.status_update",
        "action.created",
        "action.updated",
        "incident.resolved",
        "incident.reopened",
    ]
    assert receiver.rejected == []  # every signature and timestamp checked out
    declared_event, updated, update, created, completed, resolved, reopened = [
        message.payload for message in receiver.messages("ops")
    ]
    assert declared_event["data"]["incident"]["title"] == "Checkout is down"
    assert declared_event["data"]["incident"]["severity"]["slug"] == "major"
    assert declared_event["data"]["incident"]["url"] == (
        f"http://127.0.0.1:8000/incidents/{incident_id}/"
    )
    assert updated["data"]["changed_fields"] == ["severity"]
    assert updated["data"]["origin"] == "api" and updated["data"]["actor_name"]
    assert updated["data"]["incident"]["severity"]["slug"] == "critical"
    assert update["data"]["status_update"]["text"] == "Rolling back"
    assert update["data"]["status_update"]["kind"] == "update"
    assert created["data"]["action"]["text"] == "Add an alert"
    assert (created["data"]["action"]["done"], completed["data"]["action"]["done"]) == (False, True)
    assert resolved["data"]["incident"]["status"] == "resolved"
    # Resolving it also says when it was acknowledged and mitigated, nobody having said so.
    assert resolved["data"]["changed_fields"] == [
        "status",
        "resolved_at",
        "acknowledged_at",
        "mitigated_at",
    ]
    assert reopened["data"]["incident"]["status"] == "investigating"
    # Each message: its id, a timestamp of its sending, the Standard Webhooks envelope.
    for message in receiver.messages("ops"):
        assert message.id.startswith("msg_")
        assert abs(message.timestamp - time.time()) < 120
        assert set(message.payload) == {"type", "timestamp", "data"}
        assert message.headers["content-type"] == "application/json"
    assert receiver.redeliveries == {}
    log = Delivery.objects.order_by("id")
    assert [d.state for d in log] == ["delivered"] * 7
    assert [d.message_id for d in log] == [m.id for m in receiver.messages("ops")]
    assert all(d.last_status == 200 and d.attempts == 1 for d in log)


def test_the_incident_is_shown_as_the_api_shows_it(webhooks, receiver, worker, api):
    make_endpoint(receiver, "ops")
    lead = ExternalUserFactory(display_name="bob")
    incident_id = api.post(
        "/api/incidents",
        {"title": "Search is slow", "summary": "p99 at 4 s", "lead_id": lead.pk},
    ).json()["id"]
    assert api.post(f"/api/incidents/{incident_id}/resolve").status_code == 200
    assert worker.settled()

    shown = api.get(f"/api/incidents/{incident_id}").json()
    sent = receiver.messages("ops")[-1].payload["data"]["incident"]
    for person in ("lead", "reporter"):
        assert shown[person].pop("email") is None  # not staff: the API hides it too
    for held in shown["roles"]:
        if held["holder"]:
            assert held["holder"].pop("email") is None
    assert sent.pop("url").endswith(f"/incidents/{incident_id}/")
    shown.pop("links"), shown.pop("actions")
    assert sent == shown


def test_a_command_typed_in_slack_is_published(webhooks, receiver, slack):
    make_endpoint(receiver, "ops", event_types=["incident.updated"])
    incident, channel_id = declare_in_slack(slack)
    mention(slack, "alice", channel_id, "severity critical")
    wait_for(lambda: receiver.types("ops") == ["incident.updated"])

    [message] = receiver.messages("ops")
    assert message.payload["data"]["incident"]["id"] == incident.pk
    assert message.payload["data"]["changed_fields"] == ["severity"]
    # The person who typed it, as Slack knows them.
    assert message.payload["data"]["actor"]["external_id"] == slack.user_id("alice")


def test_slack_works_on_while_the_receiver_is_down(webhooks, receiver, slack):
    make_endpoint(receiver, "ops")
    receiver.outage(503)
    incident, channel_id = declare_in_slack(slack)  # the headline post and the channel
    ts = mention(slack, "alice", channel_id, "severity critical")
    wait_for(lambda: "white_check_mark" in reactions_on(slack, channel_id, ts))
    wait_for(lambda: "Critical" in str(headline_blocks(slack, incident)))  # the edit, coalesced
    assert receiver.messages("ops") == []
    assert Delivery.objects.filter(state="pending").count() == 2

    receiver.recover()
    wait_for(lambda: receiver.types("ops") == ["incident.declared", "incident.updated"])


# --- Filters and privacy --------------------------------------------------------------------------


def test_an_endpoint_gets_only_the_events_it_wants(webhooks, receiver, worker):
    make_endpoint(receiver, "everything")
    make_endpoint(receiver, "closures", event_types=["incident.resolved"])
    make_endpoint(receiver, "off", is_active=False)

    incident = declare("Queue is backing up")
    verbs.set_severity(incident, "minor")
    verbs.resolve_incident(incident)
    assert worker.settled()

    assert receiver.types("everything") == [
        "incident.declared",
        "incident.updated",
        "incident.resolved",
    ]
    assert receiver.types("closures") == ["incident.resolved"]
    assert receiver.types("off") == []


def test_private_incidents_go_only_where_allowed(webhooks, receiver, worker):
    make_endpoint(receiver, "public")
    make_endpoint(receiver, "trusted", include_private=True)

    secret = declare("Credentials leaked", is_private=True)
    verbs.resolve_incident(secret)
    public = declare("Website is slow")
    verbs.update_incident(public, is_private=True)  # from now on, not for "public"
    verbs.set_severity(public, "minor")
    assert worker.settled()

    assert receiver.types("public") == ["incident.declared"]
    assert receiver.messages("public")[0].payload["data"]["incident"]["id"] == public.pk
    assert [
        (m.type, m.payload["data"]["incident"]["id"]) for m in receiver.messages("trusted")
    ] == [
        ("incident.declared", secret.pk),
        ("incident.resolved", secret.pk),
        ("incident.declared", public.pk),
        ("incident.updated", public.pk),
        ("incident.updated", public.pk),
    ]


# --- Failures -------------------------------------------------------------------------------------


def test_an_outage_then_recovery_delivers_everything_once_in_order(webhooks, receiver, worker):
    endpoint = make_endpoint(receiver, "ops")
    receiver.outage(503)

    incident = declare("Payments are failing")
    verbs.set_severity(incident, "critical")
    verbs.post_status_update(incident, "Failing over to the second provider")
    verbs.resolve_incident(incident)
    # The first delivery is tried, and tried again, while the others wait behind it in its lane.
    wait_for(lambda: Delivery.objects.filter(attempts__gte=2).exists())
    first = Delivery.objects.earliest("id")
    assert (first.state, first.last_status) == ("pending", None)
    assert "503" in first.last_error
    assert Delivery.objects.exclude(pk=first.pk).filter(attempts__gt=0).count() == 0
    assert receiver.messages("ops") == []

    receiver.recover()
    assert worker.settled()
    assert receiver.types("ops") == [
        "incident.declared",
        "incident.updated",
        "incident.status_update",
        "incident.resolved",
    ]
    assert receiver.redeliveries == {}  # the outage applied nothing: nothing came twice
    assert set(endpoint.deliveries.values_list("state", flat=True)) == {"delivered"}
    assert Job.objects.filter(state=Job.State.DEAD).count() == 0


def test_a_lost_answer_is_redelivered_with_the_same_id(webhooks, receiver, worker):
    make_endpoint(receiver, "ops")
    receiver.drop_answers(1)  # received and applied; its answer never comes back

    declare("Payments are failing")
    assert worker.settled()

    [message] = receiver.messages("ops")
    assert receiver.redeliveries == {message.id: 1}  # came twice, counted once
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.message_id) == (
        "delivered",
        2,
        message.id,
    )


def test_a_refusal_is_retried_then_shown_as_failed_and_can_be_retried(
    webhooks, receiver, worker, admin_client
):
    make_endpoint(receiver, "ops")
    receiver.refuse("ops", 400)

    declare("Payments are failing")
    declare("Search is slow")  # behind it in the lane: not held up by the failure
    wait_for(lambda: Delivery.objects.filter(state="failed").count() == 2)
    assert worker.settled()
    failed = Delivery.objects.earliest("id")
    assert (failed.attempts, failed.rejections, failed.last_status) == (3, 3, 400)
    assert "refused it (400)" in failed.last_error
    assert failed.response_excerpt == "refused by the receiver"
    assert Job.objects.filter(state=Job.State.DEAD).count() == 2

    log = admin_client.get(
        f"/admin/integrations_webhooks/delivery/?endpoint__id__exact={failed.endpoint_id}"
    )
    assert log.status_code == 200
    assert log.content.decode().count("refused it (400)") == 2

    receiver.accept("ops")
    retried = admin_client.post(
        "/admin/integrations_webhooks/delivery/",
        {"action": "retry_failed", "_selected_action": [failed.pk]},
        follow=True,
    )
    assert "1 failed delivery(ies) will be tried again." in retried.content.decode()
    assert worker.settled()
    [message] = receiver.messages("ops")
    assert message.id == failed.message_id
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == ("delivered", 4)


def test_a_redirect_is_not_a_delivery(webhooks, receiver, worker):
    receiver.route("POST", "/moved", lambda request: Reply(307, None, {"Location": "/hooks/x"}))
    Endpoint.objects.create(url=f"{receiver.url}/moved")
    declare("Payments are failing")
    wait_for(lambda: Delivery.objects.filter(state="failed").exists())
    delivery = Delivery.objects.get()
    assert (delivery.last_status, delivery.attempts) == (307, 3)
    assert "redirected: give the final URL" in delivery.last_error


def test_an_address_that_cannot_be_used_fails_at_once(webhooks, worker):
    Endpoint.objects.create(url="http://[::1/hooks/ops")  # not through the admin's validation
    declare("Payments are failing")
    wait_for(lambda: Delivery.objects.filter(state="failed").exists())
    delivery = Delivery.objects.get()
    assert delivery.last_error == "The endpoint's URL cannot be used: Invalid IPv6 URL"
    assert delivery.attempts == 1


def test_a_receiver_down_for_too_long_is_given_up(webhooks, receiver, worker, settings):
    settings.RESPONSE_WEBHOOKS_GIVE_UP_HOURS = 0
    make_endpoint(receiver, "ops")
    receiver.outage(503)
    declare("Payments are failing")
    wait_for(lambda: Delivery.objects.filter(state="failed").exists())
    delivery = Delivery.objects.get()
    assert delivery.last_error.startswith("Given up after 0:00:00 of trying: ")
    # The delivery says so first; the engine parks the job a moment later, when the job ends.
    wait_for(lambda: Job.objects.get(kind="webhooks.deliver").state == Job.State.DEAD)


def test_a_change_made_while_the_receiver_is_down_is_never_held_up(webhooks, receiver, worker):
    make_endpoint(receiver, "ops")
    receiver.outage(503)
    incident = declare("Payments are failing")
    verbs.resolve_incident(incident)  # the verbs commit at once: delivery is the worker's
    assert Incident.objects.get(pk=incident.pk).status == "resolved"
    receiver.recover()
    assert worker.settled()
    assert receiver.types("ops") == ["incident.declared", "incident.resolved"]


# --- Switching on ---------------------------------------------------------------------------------


def test_the_setting_loads_the_plugin(settings):
    settings.RESPONSE_WEBHOOKS = False
    assert "response.integrations.webhooks.plugin" not in integrations.enabled()
    settings.RESPONSE_WEBHOOKS = True
    assert "response.integrations.webhooks.plugin" in integrations.enabled()


# --- Cost -----------------------------------------------------------------------------------------


def _queries_to_unset_the_severity(incident: Incident) -> int:
    verbs.set_severity(incident, "minor")
    with CaptureQueriesContext(connection) as queries:
        verbs.set_severity(incident, None)
    return len(queries.captured_queries)


def test_with_no_endpoint_a_change_costs_no_query_more(db, settings):
    incident = declare("Payments are failing")
    switched_off = _queries_to_unset_the_severity(incident)
    settings.RESPONSE_WEBHOOKS = True
    forget_subscribers()
    plugin.switch_on()
    try:
        verbs.set_severity(incident, "major")  # the list of endpoints is read once: empty
        assert _queries_to_unset_the_severity(incident) == switched_off
    finally:
        plugin.switch_off()
        forget_subscribers()


def test_an_endpoint_added_in_this_process_is_used_at_once(db, settings):
    settings.RESPONSE_WEBHOOKS = True
    forget_subscribers()
    plugin.switch_on()
    try:
        incident = declare("Payments are failing")
        Endpoint.objects.create(url="http://127.0.0.1:9/hooks/ops")
        verbs.set_severity(incident, "minor")
        assert Delivery.objects.get().event_type == "incident.updated"
        assert Job.objects.get(kind="webhooks.deliver").lane.startswith("webhook:")
    finally:
        plugin.switch_off()
        forget_subscribers()


# --- The admin ------------------------------------------------------------------------------------


def test_the_admin_creates_an_endpoint_with_filters_and_sends_a_test_event(
    webhooks, receiver, worker, admin_client
):
    added = admin_client.post(
        "/admin/integrations_webhooks/endpoint/add/",
        {
            "url": f"{receiver.url}/hooks/ops",
            "description": "Ops dashboard",
            "event_types": ["incident.declared", "incident.resolved"],
            "is_active": "on",
        },
    )
    assert added.status_code == 302, added.content.decode()
    endpoint = Endpoint.objects.get()
    # Straight to its page, where the secret is shown.
    assert added["Location"] == f"/admin/integrations_webhooks/endpoint/{endpoint.pk}/change/"
    assert endpoint.event_types == ["incident.declared", "incident.resolved"]
    assert not endpoint.include_private
    receiver.endpoint("ops", secret=endpoint.secret)

    page = admin_client.get(f"/admin/integrations_webhooks/endpoint/{endpoint.pk}/change/")
    assert page.status_code == 200
    assert endpoint.secret in page.content.decode()  # shown, to give to the receiver
    assert "Nothing sent yet." in page.content.decode()

    listed = admin_client.get("/admin/integrations_webhooks/endpoint/")
    assert "incident.declared, incident.resolved" in listed.content.decode()
    sent = admin_client.post(
        "/admin/integrations_webhooks/endpoint/",
        {"action": "send_test_event", "_selected_action": [endpoint.pk]},
        follow=True,
    )
    assert "A test event" in sent.content.decode()
    assert worker.settled()
    [message] = receiver.messages("ops")
    assert message.type == "webhook.test"
    assert "admin" in message.payload["data"]["message"]

    page = admin_client.get(f"/admin/integrations_webhooks/endpoint/{endpoint.pk}/change/")
    assert message.id in page.content.decode()  # the endpoint's latest deliveries
    detail = admin_client.get(
        f"/admin/integrations_webhooks/delivery/{Delivery.objects.get().pk}/change/"
    )
    assert detail.status_code == 200 and "delivered" in detail.content.decode()


def test_rotating_the_secret_refuses_nothing_meanwhile(webhooks, receiver, worker, admin_client):
    endpoint = make_endpoint(receiver, "ops")
    old_secret = endpoint.secret
    rotated = admin_client.post(
        "/admin/integrations_webhooks/endpoint/",
        {"action": "rotate_secret", "_selected_action": [endpoint.pk]},
        follow=True,
    )
    assert "has a new secret" in rotated.content.decode()
    endpoint.refresh_from_db()
    assert endpoint.secret != old_secret and endpoint.previous_secret == old_secret

    declare("Signed with both secrets")  # the receiver still knows only the old one
    assert worker.settled()
    receiver.endpoint("ops", secret=endpoint.secret)  # now it is given the new one
    declare("Still signed with both")
    assert worker.settled()
    assert receiver.types("ops") == ["incident.declared", "incident.declared"]
    assert receiver.rejected == []
    assert len(receiver.messages("ops")[0].headers["webhook-signature"].split(" ")) == 2

    # Once the overlap is over, only the new secret signs.
    Endpoint.objects.filter(pk=endpoint.pk).update(previous_secret_until=timezone.now())
    declare("Signed with the new secret")
    assert worker.settled()
    assert len(receiver.messages("ops")[-1].headers["webhook-signature"].split(" ")) == 1
    receiver.endpoint("ops", secret=old_secret)
    declare("Not for the old secret")
    assert worker.idle(soon=1)
    assert receiver.rejected[0][1:] == (401, "no valid signature")


def test_the_admin_says_when_webhooks_are_switched_off(admin_client, settings):
    settings.RESPONSE_WEBHOOKS = False
    endpoint = Endpoint.objects.create(url="http://127.0.0.1:9/hooks/ops")
    page = admin_client.get("/admin/integrations_webhooks/endpoint/")
    assert "Outgoing webhooks are switched off" in page.content.decode()
    refused = admin_client.post(
        "/admin/integrations_webhooks/endpoint/",
        {"action": "send_test_event", "_selected_action": [endpoint.pk]},
        follow=True,
    )
    assert "Outgoing webhooks are switched off" in refused.content.decode()
    assert not Delivery.objects.exists()


def test_the_admin_takes_only_web_addresses(admin_client):
    refused = admin_client.post(
        "/admin/integrations_webhooks/endpoint/add/",
        {"url": "ftp://files.example.com/hooks", "is_active": "on"},
    )
    assert refused.status_code == 200  # the form again, with its error
    assert "Enter a valid URL." in refused.content.decode()
    assert not Endpoint.objects.exists()


# --- Housekeeping ---------------------------------------------------------------------------------


def test_an_endpoint_switched_off_before_delivery_gets_nothing_more(webhooks, receiver, worker):
    endpoint = make_endpoint(receiver, "ops")
    receiver.outage(503)
    declare("Payments are failing")
    wait_for(lambda: Delivery.objects.filter(attempts__gte=1).exists())
    endpoint.is_active = False
    endpoint.save(update_fields=["is_active"])
    receiver.recover()
    assert worker.settled()
    assert receiver.messages("ops") == []
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.last_error) == (
        "failed",
        "The endpoint was switched off before this could be delivered.",
    )


def test_old_deliveries_are_forgotten_but_not_failed_ones(db, time_machine):
    endpoint = Endpoint.objects.create(url="http://127.0.0.1:9/hooks/ops")
    time_machine.move_to("2026-01-01 09:00Z", tick=False)
    Delivery.objects.create(
        endpoint=endpoint,
        event_type="webhook.test",
        payload={},
        state="delivered",
        delivered_at=timezone.now(),
    )
    failed = Delivery.objects.create(
        endpoint=endpoint, event_type="webhook.test", payload={}, state="failed"
    )
    time_machine.move_to("2026-01-31 10:00Z", tick=False)
    recent = Delivery.objects.create(
        endpoint=endpoint,
        event_type="webhook.test",
        payload={},
        state="delivered",
        delivered_at=timezone.now(),
    )
    assert prune_delivered() == 1
    assert set(Delivery.objects.values_list("pk", flat=True)) == {failed.pk, recent.pk}


def test_a_change_of_services_is_published_with_them(webhooks, receiver, worker, api):
    verbs.save_service(slug="checkout", name="Checkout")
    make_endpoint(receiver, "ops", event_types=["incident.updated"])
    incident_id = api.post("/api/incidents", {"title": "Checkout is down"}).json()["id"]
    response = api.patch(f"/api/incidents/{incident_id}", {"services": ["checkout"]})
    assert response.status_code == 200
    assert worker.settled()
    [message] = receiver.messages("ops")
    assert message.payload["data"]["changed_fields"] == ["services"]
    assert [s["slug"] for s in message.payload["data"]["incident"]["services"]] == ["checkout"]
