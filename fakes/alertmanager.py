"""A fake Prometheus Alertmanager: it sends a group's alerts to a webhook receiver as
Alertmanager does (webhook payload version 4, `Authorization: Bearer <token>`), retries a
delivery that failed (no answer, a non-2xx) with exponential backoff until it is accepted, and
resends the firing alerts on every notification (as it does every `repeat_interval`).

    manager = FakeAlertmanager(f"{server}/integrations/alerts/alertmanager", token="s3cret")
    fingerprint = manager.fire("DiskFull", severity="critical", summary="/ is 99% full")
    manager.notify()              # retried until accepted; returns the accepted delivery
    manager.resolve(fingerprint)
    manager.notify()

`url` may be changed between tries (a receiver that moved, or came back up): a test points it
at a port where nothing listens to take the receiver down.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

_FNV_OFFSET = 14695981039346656037
_FNV_PRIME = 1099511628211
_SEPARATOR = b"\xff"


def fingerprint_of(labels: dict[str, str]) -> str:
    """Alertmanager's fingerprint of a label set: FNV-1a (64 bits) over the sorted names and
    values, each followed by a 0xff byte, in hexadecimal."""
    digest = _FNV_OFFSET
    for name in sorted(labels):
        for byte in name.encode() + _SEPARATOR + labels[name].encode() + _SEPARATOR:
            digest = ((digest ^ byte) * _FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return f"{digest:016x}"


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


ZERO_TIME = "0001-01-01T00:00:00Z"  # Go's zero time: an alert still firing has no end


@dataclass(frozen=True)
class Delivery:
    """One try: the status answered (0: no answer at all), what was sent, and when."""

    status: int
    payload: dict[str, Any]
    at: float = field(default_factory=time.monotonic)

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300


class FakeAlertmanager:
    def __init__(
        self,
        url: str,
        *,
        token: str,
        receiver: str = "response",
        external_url: str = "http://alertmanager.example:9093",
        backoff: float = 0.05,
        max_backoff: float = 1.0,
        timeout: float = 5.0,
    ) -> None:
        self.url = url
        self.token = token
        self.receiver = receiver
        self.external_url = external_url
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.timeout = timeout
        self.lock = threading.RLock()
        self.alerts: dict[str, dict[str, Any]] = {}  # by fingerprint, in the order fired
        self.deliveries: list[Delivery] = []  # every try, oldest first

    # -- alerts ------------------------------------------------------------------------------

    def fire(
        self,
        alertname: str,
        *,
        severity: str = "",
        summary: str = "",
        labels: dict[str, str] | None = None,
        starts_at: datetime | None = None,
    ) -> str:
        """An alert starts (or keeps) firing; its fingerprint."""
        all_labels = {"alertname": alertname, **({"severity": severity} if severity else {})}
        all_labels.update(labels or {})
        fingerprint = fingerprint_of(all_labels)
        with self.lock:
            known = self.alerts.get(fingerprint)
            self.alerts[fingerprint] = {
                "status": "firing",
                "labels": all_labels,
                "annotations": {"summary": summary} if summary else {},
                "startsAt": known["startsAt"]
                if known and known["status"] == "firing"
                else rfc3339(starts_at or datetime.now(UTC)),
                "endsAt": ZERO_TIME,
                "generatorURL": f"http://prometheus.example:9090/graph?g0.expr={alertname}",
                "fingerprint": fingerprint,
            }
        return fingerprint

    def resolve(self, fingerprint: str) -> None:
        with self.lock:
            alert = self.alerts[fingerprint]
            alert["status"] = "resolved"
            alert["endsAt"] = rfc3339(datetime.now(UTC))

    def payload(self) -> dict[str, Any]:
        """The group's notification, as Alertmanager builds it (one group: by alertname)."""
        with self.lock:
            alerts = [dict(alert) for alert in self.alerts.values()]
        firing = any(alert["status"] == "firing" for alert in alerts)
        common = _common([alert["labels"] for alert in alerts])
        return {
            "version": "4",
            "groupKey": "{}:{" + ",".join(f'{k}="{v}"' for k, v in sorted(common.items())) + "}",
            "truncatedAlerts": 0,
            "status": "firing" if firing else "resolved",
            "receiver": self.receiver,
            "groupLabels": {k: v for k, v in common.items() if k == "alertname"},
            "commonLabels": common,
            "commonAnnotations": _common([alert["annotations"] for alert in alerts]),
            "externalURL": self.external_url,
            "alerts": alerts,
        }

    # -- sending -----------------------------------------------------------------------------

    def notify(self, *, deadline: float = 30.0) -> Delivery:
        """Send the group until the receiver accepts it, backing off between tries; then the
        resolved alerts are forgotten (they were said). TimeoutError after `deadline` s."""
        payload = self.payload()
        give_up = time.monotonic() + deadline
        wait = self.backoff
        while True:
            delivery = self.send(payload)
            if delivery.accepted:
                with self.lock:
                    for alert in payload["alerts"]:
                        known = self.alerts.get(alert["fingerprint"])
                        if (
                            alert["status"] == "resolved"
                            and known
                            and known["status"] == "resolved"
                        ):
                            del self.alerts[alert["fingerprint"]]
                return delivery
            if time.monotonic() + wait > give_up:
                raise TimeoutError(f"the receiver did not accept the alerts: {delivery.status}")
            time.sleep(wait)
            wait = min(wait * 2, self.max_backoff)

    def send(self, payload: dict[str, Any]) -> Delivery:
        """One try, recorded."""
        request = urllib.request.Request(
            self.url,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.token}",
                "User-Agent": "Alertmanager/0.28.1",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = int(response.status)
        except urllib.error.HTTPError as error:
            status = int(error.code)
        except OSError:  # refused, reset, timed out: no answer
            status = 0
        delivery = Delivery(status=status, payload=payload)
        with self.lock:
            self.deliveries.append(delivery)
        return delivery


def _common(mappings: list[dict[str, str]]) -> dict[str, str]:
    """What every mapping has in common (Alertmanager's commonLabels / commonAnnotations)."""
    if not mappings:
        return {}
    first, *rest = mappings
    return {k: v for k, v in first.items() if all(m.get(k) == v for m in rest)}
