"""Sign in with Slack through real HTTP: Response's live server, fakeslack's authorize page and
its openid.connect.* Web API methods, a cookie-keeping client following every redirect."""

from __future__ import annotations

import urllib.parse

import pytest
from django.contrib.auth.models import User

from fakeslack import FakeSlack
from response.core.models import ExternalUser
from response.core.verbs import get_or_create_external_user
from tests.factories import declare
from tests.web.signin import Browser, Links, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def query_of(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def test_a_person_signs_in_with_slack_and_lands_on_the_incident_list(
    signin_slack: FakeSlack, live_server
):
    alice_id = signin_slack.user_id("alice")
    known, _ = get_or_create_external_user(alice_id)  # Alice has used Response in Slack before
    browser = Browser()

    hops = sign_in(browser, live_server.url, "Alice Adams")

    back, landed = hops[-2], hops[-1]
    assert back.url.startswith(f"{live_server.url}/auth/slack/callback?")
    assert landed.url == f"{live_server.url}/incidents/" and landed.status == 200
    assert "alice@acme.example" in landed.body  # the top bar: who is signed in
    [account] = ExternalUser.objects.filter(external_id=alice_id)  # linked, not duplicated
    assert account.pk == known.pk and account.user is not None
    user = account.user
    assert (user.username, user.email) == ("alice@acme.example", "alice@acme.example")
    assert (user.first_name, user.last_name) == ("Alice", "Adams")
    assert not user.has_usable_password() and not user.is_staff

    again = Browser()  # another browser, another day: the same user
    assert sign_in(again, live_server.url, "Alice Adams")[-1].status == 200
    assert User.objects.filter(external_users__external_id=alice_id).count() == 1
    assert User.objects.count() == 1


def test_the_authorize_request_carries_state_nonce_scopes_and_workspace(
    signin_slack: FakeSlack, live_server
):
    out = Browser().get(f"{live_server.url}/auth/slack/")
    assert out.status == 302
    assert out.location.startswith(signin_slack.authorize_url + "?")
    query = query_of(out.location)
    assert query["scope"] == "openid profile email" and query["response_type"] == "code"
    assert query["client_id"] == signin_slack.client_id
    assert query["redirect_uri"] == f"{live_server.url}/auth/slack/callback"
    assert query["team"] == signin_slack.team_id
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert query["state"] != query["nonce"]


def test_sign_in_returns_to_the_page_asked_for(signin_slack: FakeSlack, live_server):
    incident = declare()
    browser = Browser()
    asked = browser.go(f"{live_server.url}/incidents/{incident.pk}/")
    assert asked[-1].url.startswith(f"{live_server.url}/login/?next=")
    hops = sign_in(
        browser, live_server.url, "Bob Brown", start=asked[-1].url[len(live_server.url) :]
    )
    assert hops[-1].url == f"{live_server.url}/incidents/{incident.pk}/"
    assert hops[-1].status == 200 and incident.title in hops[-1].body


def test_next_never_leads_off_the_site(signin_slack: FakeSlack, live_server):
    for elsewhere in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        browser = Browser()
        start = f"{live_server.url}/auth/slack/?{urllib.parse.urlencode({'next': elsewhere})}"
        hops = browser.go(browser.get(start).location + "&login_as=carol")
        assert hops[-1].url == f"{live_server.url}/incidents/", elsewhere


def test_another_workspace_is_refused_with_a_page_that_says_so(
    signin_slack: FakeSlack, live_server, settings
):
    settings.SLACK_TEAM_ID = "T0OTHER1"  # this Response belongs to another workspace
    browser = Browser()
    out = browser.get(f"{live_server.url}/auth/slack/")
    assert query_of(out.location)["team"] == "T0OTHER1"
    # The person picks Acme Corp in Slack's workspace picker instead (fakeslack has only one).
    query = {k: v for k, v in query_of(out.location).items() if k != "team"}
    authorize = f"{signin_slack.authorize_url}?{urllib.parse.urlencode(query)}&login_as=alice"
    hops = browser.go(authorize)
    refused = hops[-1]
    assert refused.status == 403
    assert "You signed in to Acme Corp, which is not this Response&#x27;s workspace." in (
        refused.body
    )
    assert "Back to the login page" in refused.body
    assert not User.objects.exists()
    assert browser.go(f"{live_server.url}/incidents/")[-1].url.startswith(
        f"{live_server.url}/login/"
    )


def test_a_bad_or_replayed_state_is_refused(signin_slack: FakeSlack, live_server):
    browser = Browser()
    hops = sign_in(browser, live_server.url, "Alice Adams")
    callback = hops[-2].url
    assert hops[-1].status == 200
    out = browser.post(f"{live_server.url}/logout/", {"csrfmiddlewaretoken": browser.csrf_token()})
    assert out.status == 302, out.body[:3000]

    replayed = browser.go(callback)[-1]  # the same answer from Slack, a second time
    assert replayed.status == 400 and "expired or was already used" in replayed.body

    # An answer to a sign-in begun in another browser (login CSRF): its state is not ours.
    theirs = Browser()
    out = theirs.get(f"{live_server.url}/auth/slack/")
    their_callback = theirs.get(out.location + "&login_as=mallory").next_url  # not followed
    assert their_callback.startswith(f"{live_server.url}/auth/slack/callback?")
    planted = browser.go(their_callback)[-1]
    assert planted.status == 400 and "expired or was already used" in planted.body

    mine = browser.get(f"{live_server.url}/auth/slack/")
    tampered = query_of(browser.get(mine.location + "&login_as=alice").next_url)
    forged = {**tampered, "state": tampered["state"][:-2] + "xx"}
    answer = browser.go(f"{live_server.url}/auth/slack/callback?{urllib.parse.urlencode(forged)}")
    assert answer[-1].status == 400
    odd = {**tampered, "state": "é" * 43}
    answer = browser.go(f"{live_server.url}/auth/slack/callback?{urllib.parse.urlencode(odd)}")
    assert answer[-1].status == 400
    no_state = {k: v for k, v in tampered.items() if k != "state"}
    answer = browser.go(f"{live_server.url}/auth/slack/callback?{urllib.parse.urlencode(no_state)}")
    assert answer[-1].status == 400
    assert browser.go(f"{live_server.url}/incidents/")[-1].url.startswith(
        f"{live_server.url}/login/"
    )
    assert list(User.objects.values_list("username", flat=True)) == ["alice@acme.example"]
    # The untampered answer still works: the refusals above did not use up this sign-in.
    assert browser.go(f"{live_server.url}/auth/slack/callback?{urllib.parse.urlencode(tampered)}")[
        -1
    ].url == (f"{live_server.url}/incidents/")


def test_cancelling_on_slack_comes_back_to_the_login_page(signin_slack: FakeSlack, live_server):
    browser = Browser()
    login = browser.get(f"{live_server.url}/login/")
    authorize = browser.go(live_server.url + Links(login.body).href("Sign in with Slack"))[-1]
    hops = browser.go(urllib.parse.urljoin(authorize.url, Links(authorize.body).href("Cancel")))
    assert hops[-1].url == f"{live_server.url}/login/" and hops[-1].status == 200
    assert "Sign in with Slack was cancelled." in hops[-1].body


def test_staff_rights_follow_the_setting(signin_slack: FakeSlack, live_server, settings):
    settings.RESPONSE_SLACK_STAFF = ["@sre", "grace@acme.example", signin_slack.user_id("judy")]
    for person in ("Alice Adams", "Bob Brown", "Grace Garcia", "Judy Jones"):
        assert sign_in(Browser(), live_server.url, person)[-1].status == 200
    staff = dict(User.objects.values_list("first_name", "is_staff"))
    assert staff == {"Alice": True, "Bob": False, "Grace": True, "Judy": True}
    assert User.objects.get(first_name="Alice").is_superuser  # the admin works for them

    alice = Browser()
    sign_in(alice, live_server.url, "Alice Adams")
    admin = alice.go(f"{live_server.url}/admin/")[-1]
    assert admin.status == 200 and "Site administration" in admin.body

    settings.RESPONSE_SLACK_STAFF = ["bob@acme.example"]  # rights change at the next sign-in
    for person in ("Alice Adams", "Bob Brown"):
        sign_in(Browser(), live_server.url, person)
    staff = dict(User.objects.values_list("first_name", "is_staff"))
    assert staff["Alice"] is False and staff["Bob"] is True

    settings.RESPONSE_SLACK_STAFF = []  # unset: rights are the admin's to give
    User.objects.filter(first_name="Alice").update(is_staff=True)
    sign_in(Browser(), live_server.url, "Alice Adams")
    assert User.objects.get(first_name="Alice").is_staff


def test_password_sign_in_switched_off(signin_slack: FakeSlack, live_server, settings):
    User.objects.create_user("demo", password="demo", is_staff=True, is_superuser=True)
    settings.RESPONSE_PASSWORD_LOGIN = False
    browser = Browser()
    login = browser.get(f"{live_server.url}/login/")
    assert "Sign in with Slack" in login.body
    assert 'name="password"' not in login.body and "or with a password" not in login.body
    tried = browser.post(
        f"{live_server.url}/login/",
        {"username": "demo", "password": "demo", "csrfmiddlewaretoken": browser.csrf_token()},
    )
    assert tried.status == 404
    admin = browser.go(f"{live_server.url}/admin/")
    assert admin[-1].url == f"{live_server.url}/login/?next=/admin/"
    tried = browser.post(
        f"{live_server.url}/admin/login/?next=/admin/",
        {"username": "demo", "password": "demo", "csrfmiddlewaretoken": browser.csrf_token()},
    )
    assert tried.status == 302 and tried.location.startswith("/login/")
    assert browser.go(f"{live_server.url}/incidents/")[-1].url.startswith(
        f"{live_server.url}/login/"
    )
    assert sign_in(browser, live_server.url, "Alice Adams")[-1].status == 200


def test_both_ways_are_offered_by_default(signin_slack: FakeSlack, live_server):
    login = Browser().get(f"{live_server.url}/login/")
    assert "Sign in with Slack" in login.body and 'name="password"' in login.body
    assert "or with a password" in login.body


def test_without_slack_credentials_there_is_no_button(signin_slack, live_server, settings):
    settings.SLACK_CLIENT_ID = settings.SLACK_CLIENT_SECRET = ""
    browser = Browser()
    login = browser.get(f"{live_server.url}/login/")
    assert login.status == 200 and 'name="password"' in login.body
    assert "Sign in with Slack" not in login.body
    assert browser.get(f"{live_server.url}/auth/slack/").status == 404
    assert browser.get(f"{live_server.url}/auth/slack/callback?state=x&code=y").status == 404


def test_a_switched_off_account_is_refused(signin_slack: FakeSlack, live_server):
    sign_in(Browser(), live_server.url, "Alice Adams")
    User.objects.update(is_active=False)
    refused = sign_in(Browser(), live_server.url, "Alice Adams")[-1]
    assert refused.status == 403 and "switched off" in refused.body


def test_a_wrong_client_secret_is_explained(signin_slack: FakeSlack, live_server, settings):
    settings.SLACK_CLIENT_SECRET = "not-the-secret"
    refused = sign_in(Browser(), live_server.url, "Alice Adams")[-1]
    assert refused.status == 502
    assert "bad_client_secret" in refused.body and "SLACK_CLIENT_SECRET" in refused.body


def test_a_password_account_with_the_same_email_is_not_taken_over(
    signin_slack: FakeSlack, live_server
):
    owner = User.objects.create_user(
        "alice@acme.example", "alice@acme.example", "pw", is_superuser=True, is_staff=True
    )
    assert sign_in(Browser(), live_server.url, "Alice Adams")[-1].status == 200
    account = ExternalUser.objects.get(external_id=signin_slack.user_id("alice"))
    assert account.user != owner and account.user.username == signin_slack.user_id("alice")
    assert not account.user.is_superuser
