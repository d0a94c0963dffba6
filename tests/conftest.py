import pytest
from django.db import connections

from response.core.dbguards import remove_audit_guards


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Transactional tests empty every table between tests (DELETE/TRUNCATE), which the audit
    log's append-only triggers refuse; lift only that guard in the test database. The UPDATE guard
    stays, and tests/core/test_audit.py puts the DELETE guard back where it checks it."""
    with django_db_blocker.unblock():
        for connection in connections.all():
            with connection.cursor() as cursor:
                remove_audit_guards(cursor, connection.vendor, kinds=("delete",))
