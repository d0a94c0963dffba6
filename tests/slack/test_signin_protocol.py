"""Sign in with Slack's protocol checks (pure functions), its manifest entries and its settings,
the last two as an operator meets them: `response slack-manifest` and `response check`."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from response.slack.manifest import build_manifest
from response.slack.signin.oidc import (
    SignInRefused,
    authorize_url,
    check_id_token,
    claims_of,
    person_from,
)

RESPONSE = str(Path(sys.executable).parent / "response")
CLIENT = "1.2"
NOW = 1_800_000_000.0


def token_with(claims: dict) -> str:
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2lnbmF0dXJl"


GOOD = {"iss": "https://slack.com", "aud": CLIENT, "exp": NOW + 300, "nonce": "n1", "sub": "U1"}


def test_the_authorize_url_is_on_the_web_apis_host():
    url = authorize_url(
        "https://slack.com/api/",
        client_id=CLIENT,
        redirect_uri="https://r.example.com/auth/slack/callback",
        state="s",
        nonce="n",
        team="T1",
    )
    parts = urllib.parse.urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://slack.com/openid/connect/authorize"
    )
    assert dict(urllib.parse.parse_qsl(parts.query)) == {
        "response_type": "code",
        "scope": "openid profile email",
        "client_id": CLIENT,
        "redirect_uri": "https://r.example.com/auth/slack/callback",
        "state": "s",
        "nonce": "n",
        "team": "T1",
    }


def test_a_good_id_token_passes():
    claims = claims_of(token_with(GOOD))
    assert claims == GOOD
    check_id_token(claims, client_id=CLIENT, nonce="n1", now=NOW)


@pytest.mark.parametrize(
    "change, status",
    [
        ({"iss": "https://evil.example"}, 502),
        ({"aud": "9.9"}, 502),  # a token for another app
        ({"exp": NOW - 3600}, 400),
        ({"exp": "soon"}, 400),
        ({"nonce": "n2"}, 400),  # a token from another sign-in
        ({"nonce": None}, 400),
    ],
)
def test_id_tokens_that_are_not_for_this_sign_in_are_refused(change, status):
    claims = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    with pytest.raises(SignInRefused) as refused:
        check_id_token(claims_of(token_with(claims)), client_id=CLIENT, nonce="n1", now=NOW)
    assert refused.value.status == status


@pytest.mark.parametrize("garbage", ["", "a.b", "a.!!!.c", "a.W10.c", "x.bm90IGpzb24.y"])
def test_unreadable_id_tokens_are_refused(garbage):
    with pytest.raises(SignInRefused):
        claims_of(garbage)


def test_the_person_is_the_id_tokens_subject_with_a_verified_email():
    info = {
        "sub": "U1",
        "https://slack.com/user_id": "U1",
        "https://slack.com/team_id": "T1",
        "https://slack.com/team_name": "Acme",
        "email": "a@acme.example",
        "email_verified": True,
        "name": "Alice Adams",
        "given_name": "Alice",
        "family_name": "Adams",
    }
    person = person_from(info, subject="U1")
    assert (person.user_id, person.team_id, person.email) == ("U1", "T1", "a@acme.example")
    assert person_from({**info, "email_verified": False}, subject="U1").email == ""
    with pytest.raises(SignInRefused):
        person_from(info, subject="U2")
    with pytest.raises(SignInRefused):
        person_from({**info, "https://slack.com/team_id": ""}, subject="U1")


def test_the_manifest_lists_the_callback_and_user_scopes_when_sign_in_is_set_up(settings):
    settings.SITE_URL = "https://response.example.com"
    settings.SLACK_CLIENT_ID = ""
    plain = build_manifest()["oauth_config"]
    assert "redirect_urls" not in plain and "user" not in plain["scopes"]
    settings.SLACK_CLIENT_ID = CLIENT
    oauth = build_manifest()["oauth_config"]
    assert oauth["redirect_urls"] == ["https://response.example.com/auth/slack/callback"]
    assert oauth["scopes"]["user"] == ["openid", "profile", "email"]
    assert "users:read" in oauth["scopes"]["bot"]


def run_response(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [RESPONSE, *args],
        capture_output=True,
        text=True,
        env={"RESPONSE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", **env},
        timeout=60,
    )


def test_slack_manifest_command_asked_for_sign_in(tmp_path):
    result = run_response(tmp_path, "slack-manifest", "--sign-in", SITE_URL="https://r.example.com")
    assert result.returncode == 0, result.stderr
    oauth = json.loads(result.stdout)["oauth_config"]
    assert oauth["redirect_urls"] == ["https://r.example.com/auth/slack/callback"]
    plain = json.loads(run_response(tmp_path, "slack-manifest").stdout)["oauth_config"]
    assert "redirect_urls" not in plain and "user" not in plain["scopes"]


def test_no_way_to_sign_in_is_refused_at_start(tmp_path):
    result = run_response(tmp_path, "check", RESPONSE_PASSWORD_LOGIN="false")
    assert result.returncode != 0
    assert "RESPONSE_PASSWORD_LOGIN is off" in result.stderr
    assert "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET" in result.stderr
    configured = run_response(
        tmp_path,
        "check",
        RESPONSE_PASSWORD_LOGIN="false",
        SLACK_CLIENT_ID=CLIENT,
        SLACK_CLIENT_SECRET="s",
    )
    assert configured.returncode == 0, configured.stderr
