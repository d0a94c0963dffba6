"""Two API clients on one post-mortem at the same moment, through the live server: two edits of
one section from the same version save one and refuse the other (409), never both; two starts
make one post-mortem. Never a 500."""

from __future__ import annotations

from functools import partial

import pytest

from response.api.tokens import create_api_token
from response.core import verbs
from response.core.models import AuditEvent, PostMortem, PostMortemSection
from tests.factories import declare
from tests.races import Tally, api_session, race

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 10


@pytest.fixture
def api(live_server):
    return f"{live_server.url}/api"


@pytest.fixture
def clients(user, other_user):
    tokens = [create_api_token(u, name="races")[1] for u in (user, other_user)]
    with api_session(tokens[0]) as alice, api_session(tokens[1]) as bob:
        yield alice, bob


def test_two_edits_from_one_version_save_one_and_refuse_the_other(api, clients):
    alice, bob = clients
    incident = declare()
    postmortem = verbs.start_postmortem(incident)
    url = f"{api}/incidents/{incident.pk}/postmortem"
    tally = Tally()
    for n in range(ROUNDS):
        version = PostMortemSection.objects.get(postmortem=postmortem, key="lessons").version
        edit = {"sections": {"lessons": {"text": "", "version": version}}}
        mine, theirs = race(
            partial(alice.patch, url, json=_text(edit, f"alice {n}")),
            partial(bob.patch, url, json=_text(edit, f"bob {n}")),
        )
        tally.add(alice=mine, bob=theirs)
        assert sorted([mine.status_code, theirs.status_code]) == [200, 409], tally
        winner = "alice" if mine.status_code == 200 else "bob"
        saved = PostMortemSection.objects.get(postmortem=postmortem, key="lessons")
        assert saved.text == f"{winner} {n}" and saved.version == version + 1
    assert AuditEvent.objects.filter(verb="postmortem.section_edited").count() == ROUNDS


def test_two_starts_make_one_postmortem(api, clients):
    alice, bob = clients
    for _ in range(ROUNDS):
        incident = declare()
        url = f"{api}/incidents/{incident.pk}/postmortem"
        first, second = race(partial(alice.post, url), partial(bob.post, url))
        assert sorted([first.status_code, second.status_code]) == [200, 201]
        assert PostMortem.objects.filter(incident=incident).count() == 1
        assert AuditEvent.objects.filter(verb="postmortem.started", incident=incident).count() == 1


def _text(edit: dict, text: str) -> dict:
    return {"sections": {"lessons": {**edit["sections"]["lessons"], "text": text}}}
