"""A fake HTTP service: a threaded server, a route table, every request recorded, and the
failures integrations must survive (an outage, an answer lost after the request was applied).

A fake declares its API with routes; a handler returns a ``Reply`` (or a JSON-able value, which
is answered 200):

    class FakeThing(FakeService):
        def __init__(self) -> None:
            super().__init__()
            self.route("POST", "/things", self.create)
            self.route("GET", "/things/{id}", self.show)

        def create(self, request: Request) -> Reply:
            return Reply(201, {"thing": request.json()})

Control over HTTP, for a fake run in another process (the demo): ``POST /_fake/outage``
(``{"status": 503, "calls": null}``), ``DELETE /_fake/outage``, ``GET /_fake/requests``.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # names lower-cased
    body: bytes
    params: dict[str, str] = field(default_factory=dict)  # from the route's {names}

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)

    def arg(self, name: str, default: str = "") -> str:
        return self.query.get(name, [default])[0]


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: Any = None  # JSON-able, or bytes sent as they are (say what in headers); None: no body
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Any]


@dataclass
class _Fault:
    status: int
    calls: int | None  # None: until recovered
    drop: bool  # apply the request, then close the connection without answering
    method: str = ""  # only requests of this method ("" any)
    path: str = ""  # only paths this regular expression matches from their start ("" any)

    def take(self, request: Request) -> bool:
        """Whether this request is hit; counts it."""
        if self.method and request.method != self.method:
            return False
        if self.path and not re.match(self.path, request.path):
            return False
        if self.calls is None:
            return True
        if self.calls <= 0:
            return False
        self.calls -= 1
        return True


class FakeService:
    """Routes, recorded requests and faults; ``start()`` serves them on a local port."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.lock = threading.RLock()  # handlers run on the server's threads: guard state with it
        self.requests: list[Request] = []
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._fault: _Fault | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- declaring the API ------------------------------------------------------------------

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        """``pattern`` is a path with ``{name}`` parts (one path segment each)."""
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(pattern))
        self._routes.append((method.upper(), re.compile(f"^{regex}$"), handler))

    # -- running ----------------------------------------------------------------------------

    def start(self) -> FakeService:
        self._server = _Server((self.host, self.port), self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=f"{type(self).__name__}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeService:
        return self.start() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- failures ---------------------------------------------------------------------------

    def outage(
        self, status: int = 503, *, calls: int | None = None, method: str = "", path: str = ""
    ) -> None:
        """Answer every request (or the next ``calls``) with ``status``, applying nothing; with
        ``method`` or ``path`` (a regular expression), only the requests that match."""
        with self.lock:
            self._fault = _Fault(status, calls, False, method.upper(), path)

    def drop_answers(self, calls: int | None = 1, *, method: str = "", path: str = "") -> None:
        """Apply the next ``calls`` requests (None: all), then lose their answers: the client
        sees the connection closed, as when a timeout hits after the service acted. With
        ``method`` or ``path``, only those requests: a search another job makes meanwhile is
        answered."""
        with self.lock:
            self._fault = _Fault(0, calls, True, method.upper(), path)

    def recover(self) -> None:
        with self.lock:
            self._fault = None

    # -- what was asked ---------------------------------------------------------------------

    def received(self, method: str = "", path: str = "") -> list[Request]:
        """The requests applied (not those an outage refused), oldest first; filtered by method
        and by path (a regular expression matched from the start)."""
        with self.lock:
            return [
                request
                for request in self.requests
                if (not method or request.method == method.upper())
                and (not path or re.match(path, request.path))
            ]

    # -- sending (for fakes that call back: webhooks) ----------------------------------------

    @staticmethod
    def post_json(
        url: str, payload: Any, headers: dict[str, str] | None = None, *, timeout: float = 10
    ) -> tuple[int, bytes]:
        """POST ``payload`` as JSON; returns the status and body (an HTTP error is an answer)."""
        body = json.dumps(payload).encode()
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return int(response.status), bytes(response.read())
        except urllib.error.HTTPError as error:
            return int(error.code), bytes(error.read())

    # -- serving ----------------------------------------------------------------------------

    def handle(self, request: Request) -> tuple[Reply, bool]:
        """The reply to ``request`` and whether to drop it instead of answering."""
        control = self._control(request)
        if control is not None:
            return control, False
        with self.lock:
            fault = self._fault if self._fault is not None and self._fault.take(request) else None
        if fault is not None and not fault.drop:
            return Reply(fault.status, {"error": "the fake service is down"}), False
        for method, regex, handler in self._routes:
            match = regex.match(request.path)
            if match and method == request.method:
                routed = Request(**{**request.__dict__, "params": match.groupdict()})
                with self.lock:
                    self.requests.append(routed)
                reply = handler(routed)
                if not isinstance(reply, Reply):
                    reply = Reply(200, reply)
                return reply, fault is not None
        return Reply(404, {"error": f"no route for {request.method} {request.path}"}), False

    def _control(self, request: Request) -> Reply | None:
        if not request.path.startswith("/_fake/"):
            return None
        if request.path == "/_fake/outage" and request.method == "POST":
            options = request.json() or {}
            self.outage(int(options.get("status", 503)), calls=options.get("calls"))
            return Reply(204)
        if request.path == "/_fake/outage" and request.method == "DELETE":
            self.recover()
            return Reply(204)
        if request.path == "/_fake/requests" and request.method == "GET":
            return Reply(
                200,
                [
                    {"method": r.method, "path": r.path, "body": r.body.decode(errors="replace")}
                    for r in self.received()
                ],
            )
        return Reply(404, {"error": "unknown control"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], service: FakeService) -> None:
        super().__init__(address, _Handler)
        self.service = service


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests assert on what was received, not on a log

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
        )
        try:
            reply, drop = self.server.service.handle(request)
        except Exception as error:  # a fake's bug: answer it, as a server would
            reply, drop = Reply(500, {"error": repr(error)}), False
        if drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if isinstance(reply.body, bytes):  # already encoded (a page): its headers say what
            payload = reply.body
        else:
            payload = b"" if reply.body is None else json.dumps(reply.body).encode()
        self.send_response(reply.status)
        if payload and "Content-Type" not in reply.headers:
            self.send_header("Content-Type", "application/json")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve
