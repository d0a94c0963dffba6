"""Sign in with Slack (OpenID Connect), driven over HTTP as a web app and its browser would."""

from __future__ import annotations

import base64
import hashlib
import hmac
import html.parser
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from fakeslack import FakeSlack

APP = "http://127.0.0.1:9/auth/slack/callback"


def authorize_query(slack: FakeSlack, **overrides: str) -> dict[str, str]:
    query = {
        "response_type": "code",
        "scope": "openid profile email",
        "client_id": slack.client_id,
        "redirect_uri": APP,
        "state": "s-123",
        "nonce": "n-456",
    }
    return {k: v for k, v in {**query, **overrides}.items() if v is not None}


def get(slack: FakeSlack, path_and_query: str) -> tuple[int, dict[str, str], str]:
    """A GET that does not follow redirects, as a test looking at the Location needs."""
    connection = http.client.HTTPConnection(slack.host, slack.port, timeout=5)
    try:
        connection.request("GET", path_and_query)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


def authorize(slack: FakeSlack, **query: str) -> tuple[int, dict[str, str], str]:
    return get(slack, "/openid/connect/authorize?" + urllib.parse.urlencode(query))


def redirected_to(headers: dict[str, str]) -> dict[str, str]:
    location = urllib.parse.urlsplit(headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == APP
    return dict(urllib.parse.parse_qsl(location.query))


def web_api(slack: FakeSlack, method: str, *, token: str | None = None, **form: str) -> dict:
    """A form-encoded Web API call with urllib (Slack answers errors with 200 and ok=false)."""
    request = urllib.request.Request(
        slack.api_url + method,
        data=urllib.parse.urlencode(form).encode(),
        headers={"Authorization": f"Bearer {token}"} if token else {},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)


def exchange(slack: FakeSlack, code: str, **overrides: str) -> dict:
    form = {
        "client_id": slack.client_id,
        "client_secret": slack.client_secret,
        "code": code,
        "redirect_uri": APP,
        **overrides,
    }
    return web_api(slack, "openid.connect.token", **{k: v for k, v in form.items() if v})


def b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def verified_claims(id_token: str, secret: str) -> dict:
    """Check an HS256 JWT's signature the way any JWT library would, and return its claims."""
    header, claims, signature = id_token.split(".")
    assert json.loads(b64url_decode(header)) == {"alg": "HS256", "typ": "JWT"}
    expected = hmac.new(secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    assert hmac.compare_digest(b64url_decode(signature), expected)
    return json.loads(b64url_decode(claims))


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v]


def test_the_whole_flow_through_the_page(slack: FakeSlack) -> None:
    status, _, page = authorize(slack, **authorize_query(slack))
    assert status == 200 and "Sign in to Acme Corp" in page and "Alice Adams" in page
    links = _Links()
    links.feed(page)
    assert not [h for h in links.hrefs if "login_as=response" in h]  # the bot is nobody
    assert len([h for h in links.hrefs if "login_as=" in h]) == 12
    [alice] = [h for h in links.hrefs if "login_as=alice" in h]
    status, headers, _ = get(slack, alice)  # the person clicks their name
    assert status == 302
    back = redirected_to(headers)
    assert back["state"] == "s-123" and back["code"]

    tokens = exchange(slack, back["code"])
    assert tokens["ok"] and tokens["token_type"] == "Bearer"
    assert tokens["access_token"].startswith("xoxp-")
    claims = verified_claims(tokens["id_token"], slack.client_secret)
    alice_id = slack.user_id("alice")
    assert claims["iss"] == "https://slack.com" and claims["aud"] == slack.client_id
    assert claims["sub"] == alice_id and claims["nonce"] == "n-456"
    assert claims["https://slack.com/user_id"] == alice_id
    assert claims["https://slack.com/team_id"] == slack.team_id
    assert claims["email"] == "alice@acme.example" and claims["email_verified"] is True
    assert claims["iat"] <= time.time() < claims["exp"]
    digest = hashlib.sha256(tokens["access_token"].encode()).digest()
    assert b64url_decode(claims["at_hash"]) == digest[:16]

    info = web_api(slack, "openid.connect.userInfo", token=tokens["access_token"])
    assert info["ok"] and info["sub"] == alice_id
    assert info["https://slack.com/user_id"] == alice_id
    assert info["https://slack.com/team_id"] == slack.team_id
    assert info["email"] == "alice@acme.example" and info["email_verified"] is True
    assert info["name"] == "Alice Adams" and info["given_name"] == "Alice"
    assert info["family_name"] == "Adams" and info["picture"].startswith("https://")
    assert info["https://slack.com/team_name"] == "Acme Corp"
    assert info["https://slack.com/team_domain"] == "acme"


def test_login_as_skips_the_page(slack: FakeSlack) -> None:
    status, headers, _ = authorize(slack, **authorize_query(slack, login_as="bob@acme.example"))
    assert status == 302
    tokens = exchange(slack, redirected_to(headers)["code"])
    info = web_api(slack, "openid.connect.userInfo", token=tokens["access_token"])
    assert info["sub"] == slack.user_id("bob")


def test_redirect_uri_keeps_its_own_query(slack: FakeSlack) -> None:
    redirect = APP + "?next=%2Fincidents%2F7"
    _, headers, _ = authorize(
        slack, **authorize_query(slack, redirect_uri=redirect, login_as="alice")
    )
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(headers["Location"]).query))
    assert query["next"] == "/incidents/7" and query["code"] and query["state"] == "s-123"
    assert exchange(slack, query["code"], redirect_uri=redirect)["ok"]


def code_for(slack: FakeSlack, user: str = "alice", **overrides: str) -> str:
    _, headers, _ = authorize(slack, **authorize_query(slack, login_as=user, **overrides))
    return redirected_to(headers)["code"]


def test_token_errors(slack: FakeSlack) -> None:
    code = code_for(slack)
    assert exchange(slack, "nonsense")["error"] == "invalid_code"
    assert exchange(slack, code, client_id="1.2")["error"] == "invalid_client_id"
    assert exchange(slack, code, client_secret="guess")["error"] == "bad_client_secret"
    assert exchange(slack, code, redirect_uri="http://evil.example/cb")["error"] == (
        "bad_redirect_uri"
    )
    assert exchange(slack, code, redirect_uri="")["error"] == "bad_redirect_uri"  # left out
    assert exchange(slack, code, grant_type="password")["error"] == "invalid_grant_type"
    assert exchange(slack, code, grant_type="refresh_token")["error"] == "invalid_refresh_token"
    assert exchange(slack, code)["ok"]  # the failures above did not use it up
    assert exchange(slack, code)["error"] == "invalid_code"  # single use


def test_codes_expire() -> None:
    with FakeSlack(code_ttl=0.2) as slack:
        code = code_for(slack)
        time.sleep(0.3)
        assert exchange(slack, code)["error"] == "invalid_code"


def test_tokens_are_for_their_methods(slack: FakeSlack) -> None:
    token = exchange(slack, code_for(slack))["access_token"]
    posted = web_api(slack, "chat.postMessage", token=token, channel="incidents", text="x")
    assert posted["error"] == "missing_scope"
    bot = web_api(slack, "openid.connect.userInfo", token=slack.bot_token)
    assert bot["error"] == "not_allowed_token_type"
    assert web_api(slack, "openid.connect.userInfo", token="xoxp-1-2-3")["error"] == "invalid_auth"
    assert web_api(slack, "openid.connect.userInfo")["error"] == "not_authed"


def test_scopes_limit_the_claims(slack: FakeSlack) -> None:
    tokens = exchange(slack, code_for(slack, scope="openid"))
    info = web_api(slack, "openid.connect.userInfo", token=tokens["access_token"])
    assert info["sub"] == slack.user_id("alice")
    assert "email" not in info and "name" not in info
    claims = verified_claims(tokens["id_token"], slack.client_secret)
    assert "email" not in claims and "nonce" in claims


def test_slack_sdk_client_sends_basic_credentials(slack: FakeSlack) -> None:
    client = WebClient(base_url=slack.api_url)
    tokens = client.openid_connect_token(
        client_id=slack.client_id,
        client_secret=slack.client_secret,
        code=code_for(slack),
        redirect_uri=APP,
    )
    info = WebClient(token=tokens["access_token"], base_url=slack.api_url).openid_connect_userInfo()
    assert info["email"] == "alice@acme.example"
    with pytest.raises(SlackApiError) as raised:
        client.openid_connect_token(client_id=slack.client_id, client_secret="x", code="y")
    assert raised.value.response["error"] == "bad_client_secret"


def test_authorize_refusals(slack: FakeSlack) -> None:
    status, _, page = authorize(slack, **authorize_query(slack, client_id="999.999"))
    assert status == 400 and "invalid_client_id" in page
    status, _, page = authorize(slack, **authorize_query(slack, redirect_uri="javascript:x"))
    assert status == 400 and "bad_redirect_uri" in page
    status, _, page = authorize(slack, **authorize_query(slack, team="T0OTHER"))
    assert status == 400
    status, _, page = authorize(slack, **authorize_query(slack, login_as="response"))
    assert status == 400 and "user_not_found" in page  # not the bot
    for overrides, error in [
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "profile email"}, "invalid_scope"),
        ({"scope": "openid chat:write"}, "invalid_scope"),
        ({"deny": "1"}, "access_denied"),
    ]:
        status, headers, _ = authorize(slack, **authorize_query(slack, **overrides))
        assert status == 302 and redirected_to(headers) == {"error": error, "state": "s-123"}


def test_credentials_come_from_the_workspace() -> None:
    workspace = {
        "team_name": "Globex",
        "client_id": "42.43",
        "client_secret": "globex-secret",
        "users": [{"name": "homer", "real_name": "Homer Simpson", "email": "homer@globex.example"}],
    }
    with FakeSlack(workspace) as slack:
        assert (slack.client_id, slack.client_secret) == ("42.43", "globex-secret")
        tokens = exchange(slack, code_for(slack, user="homer"))
        claims = verified_claims(tokens["id_token"], "globex-secret")
        assert claims["aud"] == "42.43" and claims["email"] == "homer@globex.example"


def test_discovery_document(slack: FakeSlack) -> None:
    with urllib.request.urlopen(f"{slack.url}/.well-known/openid-configuration") as response:
        document = json.load(response)
    assert document["issuer"] == "https://slack.com"
    assert document["authorization_endpoint"] == slack.authorize_url
    assert document["token_endpoint"] == f"{slack.api_url}openid.connect.token"
    assert document["id_token_signing_alg_values_supported"] == ["HS256"]
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"{slack.url}/.well-known/other")
