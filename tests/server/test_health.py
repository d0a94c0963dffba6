"""`/healthz` and `/readyz` through Django's test client, without signing in; the heartbeat
table; and how connections are described (never with a password)."""

from __future__ import annotations

from datetime import timedelta

import dj_database_url
import pytest
from django.utils import timezone

from response.engine.heartbeat import PRUNE_AFTER, Heartbeat, alive_workers
from response.engine.models import WorkerHeartbeat
from response.server.connections import describe_database, describe_queue


def test_healthz_answers_without_the_database(client):
    # No database access is allowed in this test: a query would fail it.
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}
    assert "no-cache" in answer["Cache-Control"]


@pytest.mark.django_db
def test_readyz_reports_a_missing_worker_and_is_unready_for_it_only_when_asked(client):
    """Without a worker the web process still records Slack's deliveries: a load balancer keeps
    it; an alert asks with ?worker=required."""
    answer = client.get("/readyz")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ready" and body["warnings"] == ["worker: none alive"]
    assert body["database"] == "ok" and body["workers"] == 0
    assert body["worker_beat_age_seconds"] is None
    answer = client.get("/readyz?worker=required")
    assert answer.status_code == 503
    assert answer.json()["problems"] == ["worker: none alive"]

    Heartbeat().beat()
    answer = client.get("/readyz?worker=required")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["status"] == "ready" and body["workers"] == 1 and "warnings" not in body
    assert 0 <= body["worker_beat_age_seconds"] < 30
    assert isinstance(body["queue_waiting"], int)


@pytest.mark.django_db
def test_readyz_counts_a_silent_worker_as_gone(client):
    WorkerHeartbeat.objects.create(
        host="elsewhere", pid=42, beat_at=timezone.now() - timedelta(minutes=2)
    )
    answer = client.get("/readyz?worker=required")
    assert answer.status_code == 503
    assert 110 < answer.json()["worker_beat_age_seconds"] < 600


@pytest.mark.django_db
def test_a_beat_keeps_one_row_per_process_and_prunes_the_dead():
    gone = WorkerHeartbeat.objects.create(
        host="elsewhere", pid=7, beat_at=timezone.now() - PRUNE_AFTER - timedelta(seconds=1)
    )
    heartbeat = Heartbeat()
    heartbeat.beat()
    heartbeat.beat()
    assert list(WorkerHeartbeat.objects.values_list("host", "pid")) == [
        (heartbeat.host, heartbeat.pid)
    ]
    assert not WorkerHeartbeat.objects.filter(pk=gone.pk).exists()
    assert alive_workers().workers == 1


def test_connections_are_described_without_passwords():
    postgres = dj_database_url.parse("postgres://ops:hunter2@db.internal:5432/response")
    assert describe_database(postgres) == "PostgreSQL ops@db.internal:5432/response"
    assert describe_queue("redis://:hunter2@cache.internal:6380/2") == "Redis cache.internal:6380/2"
    assert describe_queue("redis://cache.internal") == "Redis cache.internal/0"
    assert describe_queue("postgres://ops:hunter2@db.internal/queue") == (
        "PostgreSQL ops@db.internal/queue"
    )
    assert describe_queue("sqlite:////srv/response/queue.sqlite3") == (
        "SQLite /srv/response/queue.sqlite3"
    )
