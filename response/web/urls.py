from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from response.web.views import edits, insights, login, pages, postmortem

app_name = "web"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="web:incidents"), name="home"),
    path("health", pages.health, name="health"),
    path("login/", login.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="web:login"), name="logout"),
    path("incidents/", pages.incident_list, name="incidents"),
    path("incidents/declare/", edits.declare, name="declare"),
    path("incidents/declare/type-fields/", edits.declare_type_fields, name="declare_type_fields"),
    path("insights/", insights.insights_page, name="insights"),
    path("insights/<slug:chart>.csv", insights.insights_csv, name="insights_csv"),
    path("incidents/<int:pk>/", pages.incident_detail, name="incident"),
    path("incidents/<int:pk>/timeline/", pages.timeline_fragment, name="timeline"),
    path("incidents/<int:pk>/write-up/", pages.writeup, name="writeup"),
    path("incidents/<int:pk>/write-up.md", pages.writeup_markdown, name="writeup_markdown"),
    path("incidents/<int:pk>/post-mortem/start/", postmortem.start, name="postmortem_start"),
    path(
        "incidents/<int:pk>/post-mortem/sections/<slug:key>/",
        postmortem.edit_section,
        name="postmortem_section",
    ),
    path("incidents/<int:pk>/post-mortem/owner/", postmortem.change_owner, name="postmortem_owner"),
    path("incidents/<int:pk>/post-mortem/state/", postmortem.change_state, name="postmortem_state"),
    path("incidents/<int:pk>/details/", edits.edit_details, name="edit_details"),
    path("incidents/<int:pk>/severity/", edits.change_severity, name="severity"),
    path("incidents/<int:pk>/status/", edits.change_status, name="status"),
    path("incidents/<int:pk>/lead/", edits.change_lead, name="lead"),
    path("incidents/<int:pk>/roles/<slug:role>/", edits.change_role, name="role"),
    path("incidents/<int:pk>/services/", edits.change_services, name="services"),
    path("incidents/<int:pk>/key-times/", edits.edit_key_times, name="key_times"),
    path("incidents/<int:pk>/type/", edits.edit_type, name="type"),
    path("incidents/<int:pk>/timeline/add/", edits.add_entry, name="add_entry"),
    path("incidents/<int:pk>/timeline/<int:entry_pk>/", edits.edit_entry, name="edit_entry"),
    path(
        "incidents/<int:pk>/timeline/<int:entry_pk>/delete/",
        edits.delete_entry,
        name="delete_entry",
    ),
    path(
        "incidents/<int:pk>/timeline/<int:entry_pk>/images/<int:position>/",
        pages.timeline_image,
        name="timeline_image",
    ),
    path("incidents/<int:pk>/actions/add/", edits.add_action, name="add_action"),
    path("incidents/<int:pk>/actions/<int:action_pk>/", edits.edit_action, name="edit_action"),
    path(
        "incidents/<int:pk>/actions/<int:action_pk>/complete/",
        edits.complete_action,
        name="complete_action",
    ),
    path(
        "incidents/<int:pk>/actions/<int:action_pk>/export/",
        edits.export_action,
        name="export_action",
    ),
]
