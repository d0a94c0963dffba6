"""Log lines as JSON objects, one a line (RESPONSE_LOG_FORMAT=json), for log collectors.

Each line carries the time, level, logger and message, the ids of the delivery, incident and
job being handled where known (response.observability.context), and the traceback if any.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from response.observability import context


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **context.current(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class ContextFilter(logging.Filter):
    """Adds the ids to plain-text lines too (`%(ids)s`: " [job_id=4 incident_id=2]" or "")."""

    def filter(self, record: logging.LogRecord) -> bool:
        ids = context.current()
        record.ids = (" [" + " ".join(f"{k}={v}" for k, v in ids.items()) + "]") if ids else ""
        return True
