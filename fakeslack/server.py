"""The HTTP front door: ``/api/<method>`` (the Web API), ``/_fakeslack/…`` (control, response URLs).

A ``ThreadingHTTPServer``: each request gets its own thread, so an app answering a delivery can
call the Web API while the actor that triggered the delivery is still waiting.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlparse

from . import control, sandbox

if TYPE_CHECKING:
    from .fake import FakeSlack

logger = logging.getLogger(__name__)

_STATUS_ERRORS = {
    429: "ratelimited",
    500: "fatal_error",
    502: "bad_gateway",
    503: "service_unavailable",
}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], fake: FakeSlack) -> None:
        super().__init__(address, Handler)
        self.fake = fake


def parse_body(content_type: str, raw: bytes) -> dict[str, Any]:
    if not raw:
        return {}
    if content_type.startswith("application/json"):
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("a JSON body must be an object")
        return data
    return {k: v[0] for k, v in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items()}


class Handler(BaseHTTPRequestHandler):
    server: Server
    server_version = "fakeslack"

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    def do_DELETE(self) -> None:
        self._route()

    def do_OPTIONS(self) -> None:
        """CORS preflight, so a page in a browser can drive the control API."""
        self.send_response(204)
        self._cors_headers()
        self.send_header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Authorization")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _cors_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")

    def _route(self) -> None:
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type", "")
        try:
            args = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
            args.update(parse_body(content_type, raw))
        except (ValueError, UnicodeDecodeError):
            self._send(400, {"ok": False, "error": "invalid_json"})
            return
        if url.path.startswith("/api/"):
            self._api(url.path.removeprefix("/api/"), args, content_type)
        elif url.path.startswith("/_fakeslack"):
            try:
                status, body = control.handle(self.server.fake, self.command, url.path, args)
            except Exception as error:
                logger.exception("fakeslack control request failed: %s", url.path)
                status, body = (
                    500,
                    {"ok": False, "error": "fakeslack_internal_error", "detail": repr(error)},
                )
            self._send(status, body)
        elif sandbox.is_sandbox_path(url.path) and self.command == "GET":
            sandbox.handle(self, self.server.fake, url.path, args)
        else:
            self._send(404, {"ok": False, "error": "not_found"})

    def _api(self, method: str, args: dict[str, Any], content_type: str) -> None:
        fake = self.server.fake
        auth = self.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else None
        token = token or args.pop("token", None)
        args.pop("token", None)
        started = time.time()
        fault = fake.faults.take(method)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.drop:
                fake.record_call(method, args, token, started, {}, status=None, fault=True)
                self._drop()
                return
            if fault.status:
                body = {"ok": False, "error": _STATUS_ERRORS.get(fault.status, "fatal_error")}
                headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
                fake.record_call(
                    method, args, token, started, body, status=fault.status, fault=True
                )
                self._send(fault.status, body, headers)
                return
        try:
            response = fake.call_api(method, args, token)
        except Exception as error:
            # A bug in fakeslack, not a Slack error: say so loudly rather than drop the line.
            logger.exception("fakeslack failed answering %s", method)
            body = {"ok": False, "error": "fakeslack_internal_error", "detail": repr(error)}
            fake.record_call(method, args, token, started, body, status=500, fault=False)
            self._send(500, body)
            return
        if (
            content_type.startswith("application/json")
            and "charset" not in content_type
            and response["ok"]
        ):
            response.setdefault("warning", "missing_charset")
            response.setdefault("response_metadata", {}).setdefault("warnings", ["missing_charset"])
        fake.record_call(
            method, args, token, started, response, status=200, fault=fault is not None
        )
        self._send(200, response)

    def _drop(self) -> None:
        """Close the connection without answering, like a network failure."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self._cors_headers()
        self.end_headers()
        self.wfile.write(raw)
