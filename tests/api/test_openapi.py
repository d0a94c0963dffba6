"""The OpenAPI document is valid, and a bounded property-based fuzz run against it finds no 5xx
and no response that breaks the schema (schemathesis, through the WSGI app: no server, offline)."""

from __future__ import annotations

import time

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from response.api.tokens import create_api_token
from response.core import verbs
from tests.factories import ExternalUserFactory, declare

# Bounded twice: FUZZ_EXAMPLES per operation (about 15 s for the ~25 operations on an idle
# machine), and a wall-clock budget per operation, after which its remaining examples are let go:
# every operation is fuzzed, however loaded the machine, and none for long.
FUZZ_EXAMPLES = 20
OPERATION_BUDGET_SECONDS = 3.0
_fuzz_started: dict[str, float] = {}  # when each operation's first example ran
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    negative_data_rejection,
]

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
schema.config.generation.update(modes=["positive", "negative"], max_examples=FUZZ_EXAMPLES)


def test_the_openapi_document_is_served_and_valid(db):
    schema.validate()  # against the OpenAPI 3.1 meta-schema; raises when invalid
    operations = list(schema.get_all_operations())
    assert operations and all(op.ok() for op in operations)
    document = Client().get("/api/openapi.json").json()
    assert document["info"]["title"] == "Response API"
    assert {"BrowserSessionAuth", "TokenAuth"} <= set(document["components"]["securitySchemes"])


def test_the_docs_page_works_offline(db):
    client = Client()
    page = client.get("/api/docs").content.decode()
    assert "cdn." not in page and "https://" not in page
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/docs/assets/secrets.txt").status_code == 404


@pytest.fixture
def keep_db_connection():
    """Django's WSGI handler closes the database connection after each request, which would end
    the test's transaction; Django's own test client disconnects this handler in the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_headers(db, django_user_model, keep_db_connection):
    """A staff token, and a little data so some generated ids exist."""
    user = django_user_model.objects.create_user("fuzzer", is_staff=True)
    ExternalUserFactory(user=user)
    incident = declare("Fuzz target", severity="major")
    verbs.add_action(incident, "Fuzz action")
    _, token = create_api_token(user, name="fuzz")
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_fuzz(case, fuzz_headers):
    started = _fuzz_started.setdefault(case.operation.label, time.monotonic())
    if time.monotonic() - started > OPERATION_BUDGET_SECONDS:
        return  # this operation has had its share (at least its first example always runs)
    case.call_and_validate(headers=fuzz_headers, checks=CHECKS)
