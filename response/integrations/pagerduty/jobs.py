"""The work engine's PagerDuty jobs. Each calls PagerDuty outside any transaction, once per
attempt (response.integrations.pagerduty.client), and records what it learned with its being
done: retried in order while PagerDuty is down or rate-limits us, never paging twice.

Pages of one incident run in order in the lane `pagerduty:<incident id>`, beside the incident's
Slack lane, so a PagerDuty outage never holds up the incident's Slack work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from response.core import verbs
from response.core.models import Incident, TimelineEvent
from response.engine.kinds import JobContext, Retry, job_kind
from response.engine.models import Job
from response.engine.queue import enqueue
from response.integrations.http import Refused
from response.integrations.pagerduty import blocks
from response.integrations.pagerduty.client import REMOTE, judged, rest_client
from response.integrations.pagerduty.models import Page, Service
from response.slack.outbound import outbox
from response.slack.outbound.places import incident_lane

# Services and on-calls older than this are fetched again when someone opens the modal.
SERVICES_MAX_AGE = timedelta(minutes=5)
SERVICES_LANE = "pagerduty:services"


def page_lane(incident_id: int) -> str:
    return f"pagerduty:{incident_id}"


# --- The services and who is on call -------------------------------------------------------------


@job_kind("pagerduty.refresh_services")
@dataclass(frozen=True)
class RefreshServices:
    """Fetch the services and who is on call now; with a `view_id`, show them in that modal."""

    view_id: str = ""
    incident_id: int = 0
    channel_id: str = ""
    chosen_service_id: str = ""

    def perform(self, job: JobContext) -> dict:
        try:
            with rest_client() as client, judged():
                services = client.list_all("/services", params={"sort_by": "name"})
                oncalls = client.list_all("/oncalls", params={"earliest": "true"})
        except Refused as refusal:  # a wrong key, say: the modal says so, asking again won't do
            return {"refused": refusal.detail}
        except Retry:
            if self.view_id:
                # Someone is looking at the modal: tell them now rather than keep them waiting;
                # the next modal opened asks PagerDuty again.
                return {"unreachable": True}
            raise
        return {"services": services_with_on_call(services, oncalls)}

    def record(self, job: JobContext, result: dict) -> None:
        if "services" in result:
            store_services(result["services"])
        if self.view_id and self.incident_id:
            incident = Incident.objects.filter(pk=self.incident_id).first()
            if incident is not None:
                form = page_form(
                    incident,
                    self.channel_id,
                    self.chosen_service_id or None,
                    refusal=result.get("refused", ""),
                    unreachable=bool(result.get("unreachable")),
                )
                # The modal may have been submitted or closed since: that is no failure.
                outbox.call(
                    incident_lane(self.incident_id),
                    "views.update",
                    ok_errors=("not_found", "view_not_found"),
                    view_id=self.view_id,
                    view=blocks.render_page_modal(form),
                )


def services_with_on_call(services: list[dict], oncalls: list[dict]) -> list[dict]:
    """[{id, name, on_call: [names]}]: who is on call at the first level of each service's
    escalation policy (the people a page reaches first)."""
    first_level: dict[str, list[str]] = {}
    for oncall in oncalls:
        if oncall.get("escalation_level", 1) != 1:
            continue
        policy = (oncall.get("escalation_policy") or {}).get("id", "")
        name = (oncall.get("user") or {}).get("summary", "")
        if policy and name and name not in first_level.setdefault(policy, []):
            first_level[policy].append(name)
    return [
        {
            "id": service["id"],
            "name": service.get("name") or service.get("summary") or service["id"],
            "on_call": first_level.get((service.get("escalation_policy") or {}).get("id", ""), []),
        }
        for service in services
    ]


def store_services(services: list[dict]) -> None:
    now = timezone.now()
    for service in services:
        Service.objects.update_or_create(
            pagerduty_id=service["id"],
            defaults={"name": service["name"], "on_call": service["on_call"], "refreshed_at": now},
        )
    Service.objects.exclude(pagerduty_id__in=[s["id"] for s in services]).delete()


def services_are_stale() -> bool:
    oldest = Service.objects.order_by("refreshed_at").values_list("refreshed_at", flat=True)
    first = oldest.first()
    return first is None or first < timezone.now() - SERVICES_MAX_AGE


def refresh_services(
    *, view_id: str = "", incident_id: int = 0, channel_id: str = "", chosen: str = ""
) -> None:
    """Queue a refresh (coalesced with one pending, unless it has a modal to update)."""
    enqueue(
        RefreshServices(
            view_id=view_id,
            incident_id=incident_id,
            channel_id=channel_id,
            chosen_service_id=chosen,
        ),
        lane=SERVICES_LANE,
        key=None if view_id else "pagerduty:refresh-services",
    )


def pagerduty_is_down() -> bool:
    """Whether jobs are waiting for PagerDuty to answer again (seen by every process)."""
    return Job.objects.filter(state=Job.State.PENDING, waiting_on=REMOTE).exists()


def page_form(
    incident: Incident,
    channel_id: str,
    chosen: str | None,
    *,
    refusal: str = "",
    unreachable: bool = False,
) -> blocks.PageForm:
    services = list(Service.objects.all())
    return blocks.PageForm(
        incident_id=incident.pk,
        channel_id=channel_id,
        message=incident.title,
        services=tuple(
            blocks.ServiceChoice(s.pagerduty_id, s.name, tuple(s.on_call)) for s in services
        ),
        known_at=min((s.refreshed_at for s in services), default=None),
        chosen_service_id=chosen,
        pagerduty_down=unreachable or pagerduty_is_down(),
        refusal=refusal,
    )


# --- Paging ---------------------------------------------------------------------------------------


def request_page(
    incident: Incident,
    *,
    service: Service,
    urgency: str,
    message: str,
    requested_by: Any,
    slack_user_id: str,
    channel_id: str,
) -> tuple[Page, bool]:
    """The live page of `service` for `incident`, and whether it is new; a new one is queued.
    Our own unique row makes a double press or a double submit one page."""
    live = Page.objects.filter(
        incident=incident, service_id=service.pagerduty_id, status__in=Page.LIVE_STATUSES
    )
    if existing := live.first():
        return existing, False
    try:
        with transaction.atomic():
            page = Page.objects.create(
                incident=incident,
                service_id=service.pagerduty_id,
                service_name=service.name,
                urgency=urgency,
                message=message,
                requested_by=requested_by,
                requested_by_slack_id=slack_user_id,
                requested_in=channel_id,
            )
            enqueue(TriggerPage(page_id=page.pk), lane=page_lane(incident.pk))
    except IntegrityError:  # someone else's press won the race
        return live.get(), False
    return page, True


@job_kind("pagerduty.trigger")
@dataclass(frozen=True)
class TriggerPage:
    """Create the PagerDuty incident of a page, keyed by its `incident_key`. A retry whose
    first answer was lost looks for the incident first, and PagerDuty itself refuses a second
    open incident with that key; either way the page adopts the one that exists."""

    page_id: int

    def perform(self, job: JobContext) -> dict:
        page = Page.objects.select_related("incident").get(pk=self.page_id)
        if not page.awaits_pagerduty:
            return {}
        with rest_client() as client:
            return _trigger(client, page, retried=job.attempts > 1)

    def record(self, job: JobContext, result: dict) -> None:
        if not result:
            return
        page = Page.objects.select_for_update().select_related("incident").get(pk=self.page_id)
        if not page.awaits_pagerduty:
            return
        if "refused" in result:
            _page_failed(page, result["refused"])
            return
        page.pagerduty_incident_id = result["id"]
        page.html_url = result["html_url"]
        if page.status == Page.Status.REQUESTED:  # else a webhook told us more already
            page.status = (
                result["status"]
                if result["status"] in Page.OPEN_STATUSES
                else Page.Status.TRIGGERED
            )
        page.updated_at = timezone.now()
        page.save(update_fields=["pagerduty_incident_id", "html_url", "status", "updated_at"])
        data = page_data(page)
        verbs.add_timeline_event(
            page.incident,
            blocks.page_timeline_text(data),
            kind=TimelineEvent.Kind.NOTE,
            author=page.requested_by,
            source=f"pagerduty:page:{page.pk}",
            url=page.html_url,
        )
        outbox.post_to_incident_channel(page.incident_id, text=blocks.render_page_sent(data))


def _trigger(client: Any, page: Page, *, retried: bool) -> dict:
    """PagerDuty's incident of the page, made now or found made by an attempt whose answer
    was lost; or PagerDuty's refusal."""
    try:
        with judged():
            if retried and (found := _find_incident(client, page.incident_key)):
                return _incident_result(found)
            return _incident_result(client.rpost("/incidents", json=_incident_body(page)))
    except Refused as refusal:
        # PagerDuty refuses a second open incident with our key: it may be ours already.
        with judged():
            if found := _find_incident(client, page.incident_key):
                return _incident_result(found)
        return {"refused": refusal.detail}


def _incident_body(page: Page) -> dict:
    return {
        "incident": {
            "type": "incident",
            "title": page.incident.title[:1024],
            "service": {"id": page.service_id, "type": "service_reference"},
            "urgency": page.urgency,
            "incident_key": page.incident_key,
            "body": {"type": "incident_body", "details": page.message or page.incident.title},
        }
    }


def _find_incident(client: Any, incident_key: str) -> dict | None:
    found = client.list_all("/incidents", params={"incident_key": incident_key})
    return found[0] if found else None


def _incident_result(incident: Any) -> dict:
    return {
        "id": incident["id"],
        "html_url": incident.get("html_url", ""),
        "status": incident.get("status", "triggered"),
    }


def _page_failed(page: Page, reason: str) -> None:
    page.status = Page.Status.FAILED
    page.error = reason
    page.updated_at = timezone.now()
    page.save(update_fields=["status", "error", "updated_at"])
    verbs.add_timeline_event(
        page.incident,
        f"Paging {page.service_name} failed: {reason}",
        source=f"pagerduty:page:{page.pk}",
    )
    text = blocks.render_page_failed(page.service_name, reason)
    if page.requested_in and page.requested_by_slack_id:
        outbox.post_ephemeral(page.requested_in, page.requested_by_slack_id, text=text)
    else:
        outbox.post_to_incident_channel(page.incident_id, text=text)


def page_data(page: Page) -> blocks.PageData:
    return blocks.PageData(
        service_name=page.service_name,
        urgency=page.urgency,
        html_url=page.html_url,
        pagerduty_incident_id=page.pagerduty_incident_id,
    )


# --- What PagerDuty tells us, and resolving ------------------------------------------------------


def note_status(page: Page, status: str, *, by: str) -> bool:
    """A page acknowledged, resolved or reassigned in PagerDuty: on the timeline and in the
    channel, once per page and status (a redelivered webhook, or the one that follows our own
    resolve, says nothing new). Returns whether it was new."""
    source = f"pagerduty:{status}:{page.pk}"
    if status == "reassigned":
        source = f"pagerduty:reassigned:{page.pk}:{by}"
    if status in Page.Status.values and page.status != Page.Status.RESOLVED:
        page.status = status
        page.updated_at = timezone.now()
        page.save(update_fields=["status", "updated_at"])
    if TimelineEvent.objects.filter(incident_id=page.incident_id, source=source).exists():
        return False
    verbs.add_timeline_event(
        page.incident,
        blocks.status_text(page.service_name, status, by),
        source=source,
        url=page.html_url,
    )
    outbox.post_to_incident_channel(
        page.incident_id, text=blocks.render_status(page.service_name, status, by, page.html_url)
    )
    return True


def offer_to_resolve(incident_id: int) -> None:
    """The incident is resolved: if PagerDuty still has pages of it open, offer to resolve them."""
    open_pages = Page.objects.filter(incident_id=incident_id, status__in=Page.OPEN_STATUSES)
    names = list(open_pages.values_list("service_name", flat=True))
    if names:
        text, message_blocks = blocks.render_resolve_offer(incident_id, names)
        outbox.post_to_incident_channel(incident_id, text=text, blocks=message_blocks)


def resolve_pages(incident_id: int, *, by: str) -> int:
    """Queue the resolution of the incident's open pages; how many."""
    pages = Page.objects.filter(incident_id=incident_id, status__in=Page.OPEN_STATUSES)
    for page in pages:
        enqueue(
            ResolvePage(page_id=page.pk, by=by),
            lane=page_lane(incident_id),
            key=f"pagerduty:resolve:{page.pk}",
        )
    return len(pages)


@job_kind("pagerduty.resolve")
@dataclass(frozen=True)
class ResolvePage:
    page_id: int
    by: str = ""  # who asked, by name

    def perform(self, job: JobContext) -> dict:
        page = Page.objects.get(pk=self.page_id)
        if not page.is_open:
            return {}
        try:
            with rest_client() as client, judged():
                client.rput(
                    f"/incidents/{page.pagerduty_incident_id}",
                    json={"incident": {"type": "incident_reference", "status": "resolved"}},
                )
        except Refused as refusal:
            return {"refused": refusal.detail}
        return {"resolved": True}

    def record(self, job: JobContext, result: dict) -> None:
        if not result:
            return
        page = Page.objects.select_for_update().select_related("incident").get(pk=self.page_id)
        if "refused" in result:
            verbs.add_timeline_event(
                page.incident,
                f"Resolving the page of {page.service_name} failed: {result['refused']}",
            )
            outbox.post_to_incident_channel(
                page.incident_id,
                text=blocks.render_page_failed(page.service_name, result["refused"]),
            )
            return
        note_status(page, "resolved", by=self.by)
