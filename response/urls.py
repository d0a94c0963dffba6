from django.contrib import admin
from django.urls import include, path

from response.api.urls import api
from response.integrations import INTEGRATIONS
from response.observability.views import metrics
from response.security.forms import ThrottledAdminAuthenticationForm
from response.server.health import healthz, readyz
from response.slack.http import slack_events
from response.web.views import login

admin.site.site_header = "Response administration"
admin.site.site_title = "Response"
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("admin/login/", login.admin_login),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("slack/events", slack_events, name="slack-events"),
    path("auth/slack/", include("response.slack.signin.urls")),
    path("metrics", metrics, name="metrics"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    *[
        path(f"integrations/{name}/", include(f"response.integrations.{name}.urls"))
        for name in INTEGRATIONS
    ],
    path("", include("response.web.urls")),
]
