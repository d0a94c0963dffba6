"""The UI works offline: every script and stylesheet is served by Response itself."""

import re

from django.contrib.staticfiles import finders
from django.urls import reverse


def test_pages_load_nothing_from_elsewhere(signed_in):
    html = signed_in.get(reverse("web:declare")).content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert any(s.endswith("htmx.min.js") for s in sources)
    assert any(s.endswith("response.css") for s in sources)
    for source in sources:
        assert source.startswith("/static/"), source


def test_vendored_htmx_keeps_its_licence():
    path = finders.find("web/vendor/htmx.min.js")
    assert path
    with open(path) as f:
        head = f.read(200)
    assert "htmx 2." in head and "0BSD" in head
    assert finders.find("web/vendor/htmx.LICENSE.txt")
