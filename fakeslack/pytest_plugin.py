"""pytest plugin: ``pytest_plugins = ["fakeslack.pytest_plugin"]`` gives a ``fakeslack`` fixture.

Each test gets its own started workspace on a free loopback port, stopped afterwards. Arguments
for ``FakeSlack`` come from an optional marker::

    @pytest.mark.fakeslack(workspace="tests/fixtures/globex.yaml", trigger_ttl=0.5)
    def test_something(fakeslack): ...
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .fake import FakeSlack


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fakeslack(**kwargs): arguments for the fakeslack fixture's FakeSlack(...)"
    )


@pytest.fixture
def fakeslack(request: pytest.FixtureRequest) -> Iterator[FakeSlack]:
    marker = request.node.get_closest_marker("fakeslack")
    slack = FakeSlack(**(marker.kwargs if marker else {})).start()
    try:
        yield slack
    finally:
        slack.stop()
