"""Fixtures and steps of the status page tests: the local Statuspage, the integration switched on
and its plugin loaded (as start-up loads it), and the form opened and submitted in Slack."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from fakes.statuspage import FakeStatuspage
from response.core.models import TimelineEvent
from response.integrations.statuspage import blocks
from response.slack.decorators import isolated_registries
from response.slack.models import HeadlinePost

PLUGIN = Path(__file__).resolve().parents[2] / "response/integrations/statuspage/plugin.py"


@pytest.fixture(name="statuspage")
def statuspage_fixture(settings):
    """The local Statuspage with two components, and the settings that switch the integration on."""
    with FakeStatuspage(api_key="sp-test-key", page_id="page1") as fake:
        fake.add_component("API")
        fake.add_component("Checkout")
        settings.STATUSPAGE_API_KEY = fake.api_key
        settings.STATUSPAGE_PAGE_ID = fake.page_id
        settings.STATUSPAGE_API_URL = fake.api_url
        settings.STATUSPAGE_PUBLIC_URL = fake.url
        yield fake


@pytest.fixture(name="statuspage_plugin")
def statuspage_plugin_fixture(statuspage):
    """The plugin's building blocks registered for this test only (loaded afresh: the registries
    forget them afterwards). Its job kinds are registered once, by its jobs module."""
    with isolated_registries():
        spec = importlib.util.spec_from_file_location(
            "response.integrations.statuspage.plugin", PLUGIN
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module


def open_form_from_headline(slack, incident, user="bob"):
    """Press the headline's "Status page" button; returns the modal opened."""
    slack.wait_for(lambda: blocks.OPEN_MODAL in str(_headline(slack, incident)))
    post = HeadlinePost.objects.get(incident=incident)
    before = len(slack.open_views(slack.user_id(user)))
    assert slack.actor(user).click(post.channel_id, post.message_ts, blocks.OPEN_MODAL).ok
    slack.wait_for(lambda: len(slack.open_views(slack.user_id(user))) > before)
    return slack.open_views(slack.user_id(user))[-1]


def _headline(slack, incident):
    post = HeadlinePost.objects.get(incident=incident)
    return slack.message(post.channel_id, post.message_ts)["blocks"]


def form_values(message, *, status=None, name=None, components=None):
    """What a person types in the form (what they leave keeps its initial value)."""
    values = {blocks.MESSAGE: {blocks.MESSAGE: message}}
    if status:
        values[blocks.STATUS] = {blocks.STATUS: status}
    if name:
        values[blocks.NAME] = {blocks.NAME: name}
    for component_id, state in (components or {}).items():
        values[blocks.component_block(component_id)] = {"state": state}
    return values


def statuspage_entries(incident):
    return list(
        TimelineEvent.objects.filter(incident=incident, source__startswith="statuspage:").order_by(
            "id"
        )
    )


def said_in(slack, channel_id, words):
    return [m for m in slack.messages(channel_id) if words in m.get("text", "")]
