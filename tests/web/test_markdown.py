"""Summary and impact are Markdown written by anyone; what reaches the page is sanitised."""

import pytest

from response.web.rendering import render_markdown

NASTY = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    "<a href='jav&#x09;ascript:alert(1)'>x</a>",
    '<div onmouseover="alert(1)">hover</div>',
    '<iframe src="https://evil.example"></iframe>',
    '<svg onload="alert(1)"></svg>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<form action='https://evil.example'><input name=a></form>",
    "![img](javascript:alert(1))",
]


@pytest.mark.parametrize("source", NASTY)
def test_nothing_executable_survives(source):
    html = render_markdown(source).lower()
    assert "<script" not in html
    assert "javascript:" not in html
    assert "data:" not in html
    assert " on" not in html.replace("noopener", "")  # no onerror=, onload=, onmouseover=
    assert "<iframe" not in html and "<svg" not in html and "<form" not in html
    assert "style=" not in html


def test_markdown_is_rendered():
    html = render_markdown(
        "**Payments** are _failing_\n\n- one\n- two\n\n[status](https://status.example.com)\n\n"
        "```\ncode\n```"
    )
    assert "<strong>Payments</strong>" in html and "<em>failing</em>" in html
    assert "<li>one</li>" in html
    assert (
        'href="https://status.example.com"' in html and 'rel="noopener noreferrer nofollow"' in html
    )
    assert "<pre><code>code" in html


def test_text_is_escaped_not_dropped():
    assert "&lt;b&gt;" in render_markdown("`<b>`")
    assert render_markdown("") == ""
