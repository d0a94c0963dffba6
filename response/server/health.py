"""`/healthz` (the process answers) and `/readyz` (it can do its work: the database answers, the
queue is reachable; and how long ago a worker beat) for load balancers and orchestrators. No
sign-in: they say nothing secret, and each costs a query or two.

A web process without a worker still records every Slack delivery (the work waits for a worker),
so no worker alive makes `/readyz` unready only when asked (`?worker=required`, for an alert):
taking every web process out of a load balancer because the worker is down would turn Slack's
deliveries away, and those are lost once Slack stops retrying."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from response.engine.heartbeat import alive_workers
from response.server.connections import queue_size


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    problems: list[str] = []
    body: dict[str, object] = {}
    try:
        connections[DEFAULT_DB_ALIAS].ensure_connection()
        body["database"] = "ok"
    except Exception as error:
        body["database"] = "unreachable"
        problems.append(f"database: {type(error).__name__}")
    try:
        body["queue_waiting"] = queue_size()
    except Exception as error:
        problems.append(f"queue: {type(error).__name__}")
    if body.get("database") == "ok":
        try:
            alive = alive_workers()
            body["workers"] = alive.workers
            body["worker_beat_age_seconds"] = (
                round(alive.latest_beat_age, 1) if alive.latest_beat_age is not None else None
            )
            if not alive.workers:
                body["warnings"] = ["worker: none alive"]
                if request.GET.get("worker") == "required":
                    problems.append("worker: none alive")
        except Exception as error:  # not migrated
            problems.append(f"worker: cannot tell ({type(error).__name__})")
    body["status"] = "unready" if problems else "ready"
    if problems:
        body["problems"] = problems
    return JsonResponse(body, status=503 if problems else 200)
