"""/metrics on a port of its own, for `response worker`, which serves no HTTP otherwise (its
counters: the Slack calls it made, the reminders it sent). No token: bind it where only the
scraper can reach it (RESPONSE_METRICS_HOST, 127.0.0.1 unless told)."""

from __future__ import annotations

import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

from django.db import connections
from prometheus_client import make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer

from response.observability.metrics import REGISTRY


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # one line per scrape is noise


class MetricsServer:
    def __init__(self, host: str, port: int) -> None:
        self._app = make_wsgi_app(REGISTRY)
        self._server = make_server(
            host, port, self._closing_connections, ThreadingWSGIServer, handler_class=_QuietHandler
        )
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="metrics", daemon=True
        )

    def _closing_connections(self, environ, start_response):
        # Each scrape runs in a thread of its own: the database gauges' connection goes with it.
        try:
            return self._app(environ, start_response)
        finally:
            connections.close_all()

    def start(self) -> MetricsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
