"""The HTTP front door: ``/api/<method>`` (the Web API), ``/_fakeslack/…`` (control, response URLs).

A ``ThreadingHTTPServer``: each connection gets its own thread, so an app answering a delivery can
call the Web API while the actor that triggered the delivery is still waiting. It speaks HTTP/1.1
with persistent connections, as Slack does: every answer carries a ``Content-Length`` (or closes
the connection), so a client may send its next request on the same socket.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlparse

from . import authorize, control, files, sandbox

if TYPE_CHECKING:
    from .fake import FakeSlack
    from .faults import Fault

logger = logging.getLogger(__name__)

# An idle persistent connection is closed after this many seconds, so a client that keeps one
# open and goes away does not hold a thread for ever.
IDLE_TIMEOUT = 30.0

_STATUS_ERRORS = {
    429: "ratelimited",
    500: "fatal_error",
    502: "bad_gateway",
    503: "service_unavailable",
}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver listens with a backlog of 5: a burst of new connections overflows it and the
    # kernel drops their SYNs, which cost the clients a one-second retransmit each.
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], fake: FakeSlack) -> None:
        # Before binding: a port already in use closes the server at once (server_close).
        self.fake = fake
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def server_close(self) -> None:
        """Stop listening and close the persistent connections still open, so that a stopped
        fakeslack answers nothing more and their threads end."""
        super().server_close()
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


def read_body(rfile: Any, headers: Any) -> bytes:
    """The request body, by ``Content-Length`` or chunked, read whole so that the next request on
    a persistent connection starts where this one ended. ``ValueError`` for a malformed one."""
    if "chunked" in headers.get("Transfer-Encoding", "").lower():
        return _read_chunked(rfile)
    length = int(headers.get("Content-Length") or 0)
    if length < 0:
        raise ValueError("negative Content-Length")
    return rfile.read(length) if length else b""


def _read_chunked(rfile: Any) -> bytes:
    chunks = []
    while True:
        size = int(rfile.readline(1024).split(b";")[0], 16)  # ValueError when malformed
        if size == 0:
            break
        chunks.append(rfile.read(size))
        rfile.readline(1024)  # the CRLF closing the chunk
    while rfile.readline(1024) not in (b"\r\n", b"\n", b""):
        pass  # trailer fields, ignored
    return b"".join(chunks)


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
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT
    # Headers and body leave in separate writes; with Nagle's algorithm the body would wait for
    # the client's delayed ACK (40 ms on Linux) on every answer of a persistent connection.
    disable_nagle_algorithm = True

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
        try:
            read_body(self.rfile, self.headers)  # none expected; read so the next request parses
        except ValueError:
            self.close_connection = True
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
        try:
            raw = read_body(self.rfile, self.headers)
        except ValueError:
            # Where this body ends is unknown, so the connection cannot carry another request.
            self.close_connection = True
            self._send(400, {"ok": False, "error": "invalid_request", "detail": "bad body"})
            return
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
        elif url.path in authorize.PATHS and self.command == "GET":
            self._send_answer(authorize.handle(self.server.fake, url.path, args))
        elif url.path.startswith(files.PATHS) and self.command == "GET":
            token = self._token(args)
            status, kind, body = files.serve(
                url.path, authorized=bool(token) and token == self.server.fake.bot_token
            )
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif sandbox.is_sandbox_path(url.path) and self.command == "GET":
            sandbox.handle(self, self.server.fake, url.path, args)
        else:
            self._send(404, {"ok": False, "error": "not_found"})

    def _api(self, method: str, args: dict[str, Any], content_type: str) -> None:
        fake = self.server.fake
        self._client_credentials(args)
        token = self._token(args)
        started = time.time()
        fault = fake.faults.take(method)
        if fault is not None and not fault.lose_answer:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.drop or fault.status:
                self._answer_instead(fault, method, args, token, started)
                return
        status, response = self._apply(method, args, token, content_type)
        if fault is not None and fault.lose_answer:
            self._lose_answer(fault, method, args, token, started, status, response)
            return
        fake.record_call(
            method, args, token, started, response, status=status, fault=fault is not None
        )
        # Slack tells every caller what its token may do, as a header of the answer.
        scopes = fake.scopes_of(token)
        self._send(status, response, {"x-oauth-scopes": scopes} if scopes is not None else None)

    def _token(self, args: dict[str, Any]) -> str | None:
        """The bearer token, from the header or the ``token`` argument (removed from ``args``)."""
        auth = self.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else None
        token = token or args.pop("token", None)
        args.pop("token", None)
        return token

    def _client_credentials(self, args: dict[str, Any]) -> None:
        """HTTP Basic credentials, as OAuth clients send them to ``openid.connect.token``, become
        the ``client_id`` and ``client_secret`` arguments."""
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Basic "):
            return
        with contextlib.suppress(binascii.Error, UnicodeDecodeError):
            client_id, _, secret = (
                base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")
            )
            args.setdefault("client_id", client_id)
            args.setdefault("client_secret", secret)

    def _apply(
        self, method: str, args: dict[str, Any], token: str | None, content_type: str
    ) -> tuple[int, dict[str, Any]]:
        """Carry the call out: Slack's answer, and the HTTP status to send it with."""
        try:
            response = self.server.fake.call_api(method, args, token)
        except Exception as error:
            # A bug in fakeslack, not a Slack error: say so loudly rather than drop the line.
            logger.exception("fakeslack failed answering %s", method)
            return 500, {"ok": False, "error": "fakeslack_internal_error", "detail": repr(error)}
        if (
            content_type.startswith("application/json")
            and "charset" not in content_type
            and response["ok"]
        ):
            response.setdefault("warning", "missing_charset")
            response.setdefault("response_metadata", {}).setdefault("warnings", ["missing_charset"])
        return 200, response

    def _answer_instead(
        self, fault: Fault, method: str, args: dict[str, Any], token: str | None, started: float
    ) -> None:
        """A fault that stands in for Slack: the call is not applied."""
        fake = self.server.fake
        if fault.drop:
            fake.record_call(method, args, token, started, {}, status=None, fault=True)
            self._drop()
            return
        assert fault.status is not None
        body = {"ok": False, "error": _STATUS_ERRORS.get(fault.status, "fatal_error")}
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
        fake.record_call(method, args, token, started, body, status=fault.status, fault=True)
        self._send(fault.status, body, headers)

    def _lose_answer(
        self,
        fault: Fault,
        method: str,
        args: dict[str, Any],
        token: str | None,
        started: float,
        status: int,
        response: dict[str, Any],
    ) -> None:
        """The call was applied; its answer is dropped, or sent after the client gave up."""
        # Recorded before the wait, so a test that saw its client time out finds the call.
        self.server.fake.record_call(
            method,
            args,
            token,
            started,
            response,
            status=None if fault.lose_answer == "drop" else status,
            fault=True,
            lost_answer=fault.lose_answer,
        )
        time.sleep(fault.delay)
        if fault.lose_answer == "drop":
            self._drop()
            return
        try:
            self._send(status, response)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up, as the fault meant it to

    def _send_answer(self, answer: authorize.Answer) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        self.send_header("Cache-Control", "no-store")
        if answer.location:
            self.send_header("Location", answer.location)
        self.end_headers()
        self.wfile.write(answer.body)

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
        if self.close_connection:
            self.send_header("Connection", "close")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self._cors_headers()
        self.end_headers()
        # A client that gave up waiting (a slow or late answer) has closed its end: nothing to do.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(raw)
