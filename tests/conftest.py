import pytest
from django.conf import settings
from django.db import connections

from response.core.dbguards import remove_audit_guards

pytest_plugins = ["fakeslack.pytest_plugin", "tests.slack.fixtures"]

# Threads in tests (live server, worker, inbox) must not keep database connections open after
# their work, or PostgreSQL cannot drop the test database at the end.
settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Transactional tests empty every table between tests (DELETE/TRUNCATE), which the audit
    log's append-only triggers refuse; lift only that guard in the test database. The UPDATE guard
    stays, and tests/core/test_audit.py puts the DELETE guard back where it checks it."""
    with django_db_blocker.unblock():
        for connection in connections.all():
            with connection.cursor() as cursor:
                remove_audit_guards(cursor, connection.vendor, kinds=("delete",))
    yield
    # Threads that outlive their test (the session-wide live server's request threads) may still
    # hold a connection; PostgreSQL will not drop a database in use, so end those sessions.
    with django_db_blocker.unblock():
        connection = connections["default"]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def no_process_left_running():
    """A test never leaves a process running, even when it fails half-way."""
    from tests.processes import stop_leftovers

    yield
    left = stop_leftovers()
    assert not left, f"the test left these running (now stopped): {left}"


@pytest.fixture(autouse=True)
def fresh_process_caches():
    """What a process remembers about its database (which channel is which incident's, who the
    bot is, which services are down) belongs to the database of one test."""
    from response.core.selectors import forget_incident_types, forget_severities
    from response.engine import health, runner
    from response.slack.outbound.identity import forget_identity
    from response.slack.people import forget_people
    from response.slack.selectors import forget_channels

    forget_channels()
    forget_people()
    forget_severities()
    forget_incident_types()
    runner.forget_lanes()
    forget_identity()
    health.forget()
    yield


@pytest.fixture(autouse=True)
def default_severities(request):
    """Transactional tests empty the tables, the seeded severities with them: put them back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        from response.core.severities import seed_default_severities

        request.getfixturevalue("transactional_db")
        seed_default_severities()
