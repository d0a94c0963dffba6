"""The audit log is append-only: not through the model, the queryset, the admin or raw SQL."""

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from response.core.dbguards import install_audit_guards
from response.core.errors import AuditLogIsAppendOnly
from response.core.models import AuditEvent
from tests.factories import declare

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    declare()
    return AuditEvent.objects.get()


def test_model_refuses_update_and_delete(event):
    event.verb = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()


def test_queryset_refuses_update_and_delete(event):
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(verb="tampered")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.bulk_update([event], ["verb"])
    assert AuditEvent.objects.get().verb == "incident.declared"


def test_admin_is_read_only(event, admin_user):
    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)


def test_admin_pages_show_the_log(event, admin_client):
    assert admin_client.get("/admin/core/auditevent/").status_code == 200
    page = admin_client.get(f"/admin/core/auditevent/{event.pk}/change/")
    assert page.status_code == 200
    assert b"incident.declared" in page.content


def test_database_refuses_raw_update_and_delete(event):
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        # The test database lifts the DELETE guard for flushes; put it back inside this test's
        # transaction (rolled back afterwards).
        install_audit_guards(cursor, connection.vendor, kinds=("delete",))
    for sql in (f"UPDATE {table} SET verb = 'x'", f"DELETE FROM {table}"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEvent.objects.get().verb == "incident.declared"
