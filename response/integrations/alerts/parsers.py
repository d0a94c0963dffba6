"""The three webhook formats, read into one shape. Pure functions: a payload in, alerts out, or
`BadPayload` with a reason for the sender (answered 400).

- Prometheus Alertmanager (webhook version 4): `{"version": "4", "alerts": [{"status",
  "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"}, ...]}`.
- Grafana unified alerting: the same, plus per alert `values`, `dashboardURL`, `panelURL`,
  `silenceURL`.
- Generic JSON (docs/integrations.md): one alert, or `{"alerts": [...]}`, each
  `{"id", "title", "status": "firing"|"resolved", "severity", "summary", "url", "labels"}`;
  only `title` is required (`id` defaults to a digest of the title and labels).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

MAX_ALERTS = 500  # Alertmanager's default max_alerts is 0 (all); a group this big is an error


class BadPayload(ValueError):
    """Not a payload of the format: the message says what is wrong."""


@dataclass(frozen=True)
class ParsedAlert:
    fingerprint: str
    firing: bool
    name: str
    severity: str = ""
    summary: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)  # {"source": …, "dashboard": …}
    starts_at: datetime | None = None
    ends_at: datetime | None = None


def parse_alertmanager(payload: Any) -> list[ParsedAlert]:
    return [_prometheus_style(alert, index) for index, alert in _alerts_of(payload)]


def parse_grafana(payload: Any) -> list[ParsedAlert]:
    alerts = []
    for index, alert in _alerts_of(payload):
        parsed = _prometheus_style(alert, index)
        links = dict(parsed.links)
        for key, name in (("dashboardURL", "dashboard"), ("panelURL", "panel")):
            if url := _http_url(alert.get(key)):
                links[name] = url
        summary = parsed.summary
        if isinstance(alert.get("values"), dict) and alert["values"]:
            values = ", ".join(f"{k}={v}" for k, v in sorted(alert["values"].items()))
            summary = f"{summary}\n(values: {values})".strip()
        alerts.append(
            ParsedAlert(**{**parsed.__dict__, "links": links, "summary": summary})  # frozen copy
        )
    return alerts


def parse_generic(payload: Any) -> list[ParsedAlert]:
    if isinstance(payload, dict) and "alerts" not in payload:
        payload = {"alerts": [payload]}
    alerts = []
    for index, alert in _alerts_of(payload):
        title = _text(alert.get("title"))
        if not title:
            raise BadPayload(f"alerts[{index}] has no title")
        labels = _labels(alert.get("labels"), index)
        status = _text(alert.get("status")) or "firing"
        if status not in ("firing", "resolved"):
            raise BadPayload(f"alerts[{index}].status must be 'firing' or 'resolved'")
        fingerprint = _text(alert.get("id")) or _digest({"title": title, **labels})
        url = _http_url(alert.get("url"))
        alerts.append(
            ParsedAlert(
                fingerprint=fingerprint[:200],
                firing=status == "firing",
                name=title,
                severity=_text(alert.get("severity")) or labels.get("severity", ""),
                summary=_text(alert.get("summary")),
                labels=labels,
                links={"source": url} if url else {},
            )
        )
    return alerts


def _alerts_of(payload: Any) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(payload, dict):
        raise BadPayload("the body must be a JSON object")
    alerts = payload.get("alerts")
    if not isinstance(alerts, list) or not alerts:
        raise BadPayload("'alerts' must be a non-empty list")
    if len(alerts) > MAX_ALERTS:
        raise BadPayload(f"at most {MAX_ALERTS} alerts at a time")
    for index, alert in enumerate(alerts):
        if not isinstance(alert, dict):
            raise BadPayload(f"alerts[{index}] must be an object")
    return list(enumerate(alerts))


def _prometheus_style(alert: dict[str, Any], index: int) -> ParsedAlert:
    labels = _labels(alert.get("labels"), index)
    annotations = _labels(alert.get("annotations"), index, what="annotations")
    status = alert.get("status")
    if status not in ("firing", "resolved"):
        raise BadPayload(f"alerts[{index}].status must be 'firing' or 'resolved'")
    name = labels.get("alertname") or ""
    if not name:
        raise BadPayload(f"alerts[{index}] has no 'alertname' label")
    # Alertmanager always sends its fingerprint; a sender that does not is keyed by the labels,
    # which is how Alertmanager computes it (the identity of an alert is its label set).
    fingerprint = _text(alert.get("fingerprint")) or _digest(labels)
    url = _http_url(alert.get("generatorURL"))
    return ParsedAlert(
        fingerprint=fingerprint[:200],
        firing=status == "firing",
        name=name,
        severity=labels.get("severity", ""),
        summary=annotations.get("summary") or annotations.get("description", ""),
        labels=labels,
        links={"source": url} if url else {},
        starts_at=_time(alert.get("startsAt"), f"alerts[{index}].startsAt"),
        ends_at=_time(alert.get("endsAt"), f"alerts[{index}].endsAt"),
    )


def _labels(value: Any, index: int, *, what: str = "labels") -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadPayload(f"alerts[{index}].{what} must be an object")
    return {str(k): _text(v) for k, v in value.items()}


def _text(value: Any) -> str:
    if value is None:
        return ""
    return (value if isinstance(value, str) else json.dumps(value)).strip()


def _http_url(value: Any) -> str:
    """A link worth showing: http(s) only (a `javascript:` link must never reach a button)."""
    text = _text(value)
    return text[:500] if re.match(r"^https?://", text, re.IGNORECASE) else ""


def _digest(labels: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(labels, sort_keys=True).encode()).hexdigest()[:32]


_FRACTION = re.compile(r"(\.\d{6})\d+")


def _time(value: Any, where: str) -> datetime | None:
    """RFC 3339 as Go writes it (nanoseconds, `Z`); Go's zero time means "not set"."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise BadPayload(f"{where} must be a time")
    try:
        parsed = datetime.fromisoformat(_FRACTION.sub(r"\1", value.strip()))
    except ValueError:
        raise BadPayload(f"{where} is not an RFC 3339 time: {value[:40]!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return None if parsed.year <= 1 else parsed
