from django.urls import path

from response.slack.signin import views

urlpatterns = [
    path("", views.start, name="slack-signin"),
    path("callback", views.callback, name="slack-signin-callback"),
]
