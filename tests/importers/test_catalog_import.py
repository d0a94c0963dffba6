"""`response catalog import FILE`: YAML, JSON and CSV; an upsert by slug that changes nothing the
second time; a bad entry refused, named by its line or position, with nothing imported."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from response.core.models import AuditEvent, ExternalUser, Service, Team

pytestmark = pytest.mark.django_db

YAML = """\
teams:
  - slug: payments
    name: Payments
    slack_usergroup: "@payments-oncall"
    owners: [U0ALICE]
  - slug: platform
    name: Platform
    slack_usergroup: S0PLATFORM
services:
  - slug: checkout
    name: Checkout
    team: payments
    tier: 1
    description: Takes the money.
    runbook_url: https://runbooks.example.com/checkout
  - slug: database
    name: Database
    team: platform
"""

CSV = """\
kind,slug,name,team,slack_usergroup,tier,owners,description
team,payments,Payments,,payments-oncall,,U0ALICE U0BOB,
service,checkout,Checkout,payments,,1,,Takes the money.
service,wiki,Wiki,,,,,
"""


def run(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("catalog", "import", str(path), *args, stdout=out)
    return out.getvalue()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_creates_then_changes_nothing_then_updates(tmp_path):
    path = write(tmp_path, "catalog.yaml", YAML)
    said = run(path)
    assert "created   team payments" in said and "created   service database" in said
    assert "4 created, 0 updated, 0 left as they were." in said
    payments = Team.objects.get(slug="payments")
    assert payments.slack_usergroup_handle == "payments-oncall"
    assert Team.objects.get(slug="platform").slack_usergroup_id == "S0PLATFORM"
    assert list(payments.owners.values_list("external_id", flat=True)) == ["U0ALICE"]
    checkout = Service.objects.get(slug="checkout")
    assert (checkout.team, checkout.tier, checkout.description) == (payments, 1, "Takes the money.")

    audited = AuditEvent.objects.count()
    assert "0 created, 0 updated, 4 left as they were." in run(path)
    assert AuditEvent.objects.count() == audited  # nothing changed, nothing recorded

    write(tmp_path, "catalog.yaml", YAML.replace("tier: 1", "tier: 2"))
    said = run(path)
    assert "updated   service checkout" in said
    assert "0 created, 1 updated, 3 left as they were." in said
    assert Service.objects.get(slug="checkout").tier == 2


def test_json_is_read_like_yaml(tmp_path):
    document = {"services": [{"slug": "wiki", "name": "Wiki", "tier": 3}]}
    said = run(write(tmp_path, "catalog.json", json.dumps(document)))
    assert "created   service wiki" in said
    assert Service.objects.get(slug="wiki").tier == 3


def test_csv_with_teams_and_services_in_one_file(tmp_path):
    path = write(tmp_path, "catalog.csv", CSV)
    assert "3 created" in run(path)
    assert Service.objects.get(slug="checkout").team.slug == "payments"
    owners = Team.objects.get(slug="payments").owners.values_list("external_id", flat=True)
    assert sorted(owners) == ["U0ALICE", "U0BOB"]
    assert "3 left as they were." in run(path)


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        (
            "bad.csv",
            CSV + "service,ledger,Ledger,accounting,,,,\n",
            "line 5 (service ledger): There is no team “accounting”.",
        ),
        ("bad.csv", CSV + "service,,Nameless,,,,,\n", "line 5: a service needs a slug."),
        ("bad.csv", CSV + "gadget,x,X,,,,,\n", "line 5: the kind must be team or service"),
        ("bad.csv", CSV + "service,ledger,Ledger,,,7,,\n", "line 5 (service ledger): tier:"),
        (
            "bad.yaml",
            YAML + "  - slug: checkout\n    name: Again\n",
            "services[2] (service checkout): the slug is used already, at services[0].",
        ),
        (
            "bad.yaml",
            YAML + "  - slug: ledger\n    name: Ledger\n    owners: [someone]\n",
            "services[2] (service ledger): an owner is a Slack user id (U…) or an e-mail",
        ),
        ("bad.yaml", YAML + "  - just a string\n", "services[2]: each entry must be a mapping"),
        ("bad.yaml", "teams: [\n", "not valid YAML"),
        ("bad.txt", "anything", "must end in .yaml, .yml, .json or .csv"),
    ],
)
def test_a_bad_entry_imports_nothing_and_is_named(tmp_path, name, text, problem):
    with pytest.raises(CommandError) as refused:
        run(write(tmp_path, name, text))
    assert "Nothing was imported" in str(refused.value)
    assert problem in str(refused.value)
    assert not Team.objects.exists() and not Service.objects.exists()
    assert not ExternalUser.objects.exists()


def test_dry_run_says_what_would_change_and_saves_nothing(tmp_path):
    said = run(write(tmp_path, "catalog.yaml", YAML), "--dry-run")
    assert "4 created" in said and "nothing was saved" in said
    assert not Service.objects.exists()


def test_the_console_script_runs_it(tmp_path, transactional_db, settings):
    """`response catalog import FILE`, as an operator types it, against the test database."""
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        database_url = f"sqlite:///{settings.DATABASES['default']['NAME']}"
    else:
        db = settings.DATABASES["default"]
        database_url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    if "memory" in database_url or "mode=memory" in database_url:
        pytest.skip("an in-memory test database is not reachable from another process")
    path = write(tmp_path, "catalog.csv", CSV)
    env = {**os.environ, "DATABASE_URL": database_url, "RESPONSE_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "response.cli", "catalog", "import", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "3 created, 0 updated, 0 left as they were." in result.stdout
    assert Service.objects.filter(slug="wiki").exists()
