from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from response.core.models import Incident


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    open_count = Incident.objects.open().filter(is_private=False).count()
    return render(request, "web/home.html", {"open_count": open_count})


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and uptime checks: answers without sign-in, and checks the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
