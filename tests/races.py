"""Two writers on one row at the same moment, through the live server: each request is sent by a
real HTTP client from its own thread, and the threads are released together by a barrier.

Which writer wins is up to the server; tests assert only what holds whoever wins: every answer
is a success, a 404 (the row was gone) or a 409 (someone else changed it first), never a 500, and
the rows end in a state one of the orders would have left.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import requests
from django.conf import settings
from django.test import Client
from django.utils.crypto import get_random_string

TIMEOUT = 30  # seconds; only a hung server comes near it


def race(*sends: Callable[[], requests.Response]) -> list[requests.Response]:
    """Run every `send` at once, each in its own thread; their answers, in the same order."""
    barrier = threading.Barrier(len(sends))

    def send_together(send: Callable[[], requests.Response]) -> requests.Response:
        barrier.wait(timeout=TIMEOUT)
        return send()

    with ThreadPoolExecutor(max_workers=len(sends)) as pool:
        futures = [pool.submit(send_together, send) for send in sends]
        return [future.result(timeout=TIMEOUT) for future in futures]


def web_session(user) -> requests.Session:
    """A browser-like client signed in as `user`: a session cookie and a CSRF token."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    token = get_random_string(32)
    session.cookies.set(settings.CSRF_COOKIE_NAME, token)
    session.headers["X-CSRFToken"] = token
    return session


def api_session(token: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


class Tally:
    """The answers of many races, per writer, for one assertion with all of them in its message."""

    def __init__(self) -> None:
        self.seen: dict[str, Counter[int]] = {}

    def add(self, **answers: requests.Response) -> None:
        for writer, response in answers.items():
            self.seen.setdefault(writer, Counter())[response.status_code] += 1

    def statuses(self) -> set[int]:
        return {status for counter in self.seen.values() for status in counter}

    def __repr__(self) -> str:
        return repr({writer: dict(counter) for writer, counter in self.seen.items()})
