"""pytest plugin: ``pytest_plugins = ["fakeslack.pytest_plugin"]`` gives a ``fakeslack`` fixture.

Each test gets its own started workspace on a free loopback port, stopped afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .fake import FakeSlack


@pytest.fixture
def fakeslack() -> Iterator[FakeSlack]:
    slack = FakeSlack().start()
    try:
        yield slack
    finally:
        slack.stop()
