"""Closing the web server while its loop runs (start-up refused a token, Ctrl-C) ends its
thread quietly: no "Exception in thread response-web" on the person's terminal."""

from __future__ import annotations

import threading
import time

from response.server.processes import WebServer


def test_closing_the_server_under_its_loop_ends_its_thread_without_an_exception(db):
    failures: list[BaseException | None] = []
    previous = threading.excepthook
    threading.excepthook = lambda args: failures.append(args.exc_value)
    try:
        for _ in range(12):  # the loop may be in select() or between two calls: try both
            server = WebServer(host="127.0.0.1", port=0)
            thread = server.serve_in_thread()
            time.sleep(0.001 * (_ % 3))  # at once, or once the loop runs
            server.close()
            thread.join(5)
            assert not thread.is_alive()
    finally:
        threading.excepthook = previous
    assert failures == []
