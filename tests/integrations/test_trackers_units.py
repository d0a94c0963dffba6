"""The tracker integration's pure parts: what a Jira issue and a GitHub issue say (ADF, the
marker), the webhook signatures, and which deliveries change an action."""

from __future__ import annotations

from datetime import date

from fakes import github as fake_github
from fakes import jira as fake_jira
from response.integrations.trackers import github, jira
from response.integrations.trackers.issues import ActionData, marker, summary
from response.integrations.trackers.signatures import is_signed, signature
from response.integrations.trackers.webhooks import github_change, jira_change
from response.slack.blocks.messages import render_action_recorded

ACTION = ActionData(
    id=42,
    text="Rotate the certificate\n\nand add an alert @sre-team <b>",
    incident_id=7,
    incident_title="Checkout is failing",
    incident_url="https://response.example.com/incidents/7/",
    owner="Alice",
    due_date=date(2026, 12, 1),
    priority="High",
)


def test_a_jira_issue_is_described_in_atlassian_document_format():
    fields = jira.issue_fields(ACTION, project_key="OPS", issue_type="Task")
    assert fields["project"] == {"key": "OPS"}
    assert fields["issuetype"] == {"name": "Task"}
    assert fields["summary"] == "Rotate the certificate"
    assert fields["labels"] == ["response", "response-action-42"]
    assert fields["description"] == {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "Rotate the certificate"}]},
            {
                "type": "paragraph",
                "content": [{"type": "text", "text": "and add an alert @sre-team <b>"}],
            },
            {
                "type": "paragraph",
                "content": [
                    {
                        "type": "text",
                        "text": "Follow-up action of incident #7: Checkout is failing",
                        "marks": [
                            {
                                "type": "link",
                                "attrs": {"href": "https://response.example.com/incidents/7/"},
                            }
                        ],
                    }
                ],
            },
            {"type": "paragraph", "content": [{"type": "text", "text": "Owner: Alice"}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "Due: 2026-12-01"}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "Priority: High"}]},
        ],
    }


def test_a_private_incident_keeps_its_title():
    private = ActionData(id=1, text="x", incident_id=9, incident_title="", incident_url="u")
    paragraphs = jira.description(private)["content"]
    assert paragraphs[-1]["content"][0]["text"] == "Follow-up action of incident #9"
    assert "Follow-up action of incident #9]" in github.body(private)


def test_a_summary_is_one_short_line():
    assert summary("  first line\nsecond") == "first line"
    long = summary("x" * 400)
    assert len(long) == 250 and long.endswith("…")
    assert summary("   ") == "Follow-up action"


def test_a_github_issue_carries_the_marker_and_mentions_nobody():
    payload = github.issue_payload(ACTION)
    assert payload["title"] == "Rotate the certificate"
    body = payload["body"]
    assert body.endswith(f"<!-- {marker(42)} -->")
    assert "@sre-team" not in body and "@\u200bsre-team" in body
    assert "<b>" not in body
    assert "[Follow-up action of incident #7: Checkout is failing]" in body
    assert github.issue_key("acme/ops", 7) == "acme/ops#7"
    assert github.number_of("acme/ops#7") == 7


def test_signatures_are_githubs():
    # The example of GitHub's documentation ("Validating webhook deliveries").
    body = b"Hello, World!"
    expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert signature("It's a Secret to Everybody", body) == expected
    assert is_signed("It's a Secret to Everybody", body, expected)
    assert fake_github.sign("It's a Secret to Everybody", body) == expected
    assert fake_jira.sign("It's a Secret to Everybody", body) == expected


def test_a_signature_must_match_and_a_secret_must_be_set():
    good = signature("s3cret", b"{}")
    assert not is_signed("s3cret", b"{ }", good)
    assert not is_signed("other", b"{}", good)
    assert not is_signed("s3cret", b"{}", None)
    assert not is_signed("", b"{}", signature("", b"{}"))


def test_which_github_deliveries_change_an_action():
    closed = {"action": "closed", "issue": {"number": 3}, "repository": {"full_name": "a/b"}}
    assert github_change("issues", closed) == ("a/b#3", True)
    assert github_change("issues", {**closed, "action": "reopened"}) == ("a/b#3", False)
    assert github_change("issues", {**closed, "action": "labeled"}) is None
    assert github_change("ping", {"zen": "Keep it logically awesome."}) is None
    assert github_change("issues", {"action": "closed", "issue": {}}) is None


def test_which_jira_deliveries_change_an_action():
    done = {"key": "OPS-1", "fields": {"status": {"statusCategory": {"key": "done"}}}}
    status_changed = {"items": [{"field": "status", "toString": "Done"}]}
    payload = {"webhookEvent": "jira:issue_updated", "issue": done, "changelog": status_changed}
    assert jira_change(payload) == ("OPS-1", True)
    todo = {"key": "OPS-1", "fields": {"status": {"statusCategory": {"key": "new"}}}}
    assert jira_change({**payload, "issue": todo}) == ("OPS-1", False)
    # An edit of the description says nothing about whether it is done.
    edited = {"items": [{"field": "description"}]}
    assert jira_change({**payload, "changelog": edited}) is None
    assert jira_change({**payload, "webhookEvent": "jira:issue_created"}) is None


def test_the_answer_to_an_action_carries_the_buttons_plugins_offer():
    button = {"type": "button", "action_id": "x", "text": {"type": "plain_text", "text": "X"}}
    text, blocks = render_action_recorded("Fix <it> & more", [button])
    assert text == "📝 Follow-up action recorded: Fix &lt;it&gt; &amp; more"
    assert blocks == [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {"type": "actions", "elements": [button]},
    ]
    assert render_action_recorded("Fix it", []) == ("📝 Follow-up action recorded: Fix it", [])
