"""The post-mortem's verbs: started once and pre-filled from the incident, never over what a
person wrote; sections refused when edited from a stale version; owner and state with their
timeline entries and audit rows; the state rules an incident commander expects."""

from datetime import UTC, date, datetime, timedelta

import pytest

from response.core import verbs
from response.core.errors import Conflict, InvalidInput, InvalidTransition
from response.core.models import AuditEvent, PostMortem, TimelineEvent
from response.core.postmortems import prefilled_sections, sections_of
from tests.factories import ExternalUserFactory, declare

pytestmark = pytest.mark.django_db


def a_resolved_incident(**kwargs):
    lead = ExternalUserFactory(display_name="dana")
    incident = declare(
        "Checkout down", summary="Card payments failed", impact="EU shoppers", lead=lead, **kwargs
    )
    verbs.add_timeline_event(incident, "Deploy 4412 rolled out\nat 10:02", author=lead)
    verbs.post_status_update(incident, "Rolling back", by=lead)
    verbs.set_status(incident, "identified", by=lead)  # not context: a change of Response's
    action = verbs.add_action(
        incident, "Alert on card errors", owner=lead, due_date=date(2026, 12, 24), by=lead
    )
    verbs.link_action_to_tracker(
        action, tracker="jira", key="OPS-12", url="https://jira.example.com/OPS-12"
    )
    verbs.resolve_incident(incident, by=lead)
    incident.refresh_from_db()
    return incident, lead


def text_of(postmortem, key):
    return next(s for s in sections_of(postmortem) if s.key == key)


def test_starting_prefills_every_section_from_the_incident():
    incident, lead = a_resolved_incident()
    postmortem = verbs.start_postmortem(incident, by=lead)
    assert postmortem.owner == lead and postmortem.state == "draft"
    sections = {s.key: s.text for s in sections_of(postmortem)}
    assert list(sections) == [
        "summary",
        "impact",
        "root_cause",
        "contributing_factors",
        "went_well",
        "went_badly",
        "lessons",
        "follow_ups",
    ]
    assert sections["summary"] == "Card payments failed"
    assert sections["impact"].startswith("EU shoppers")
    assert "\n\nImpact from " in sections["impact"] and "; detected after " in sections["impact"]
    assert "Deploy 4412 rolled out at 10:02 (dana)" in sections["root_cause"]
    assert "Rolling back" in sections["root_cause"]
    assert "Status changed" not in sections["root_cause"]
    assert sections["follow_ups"] == (
        "- [ ] Alert on card errors (owner: dana, due 2026-12-24) "
        "[OPS-12](https://jira.example.com/OPS-12)"
    )
    assert sections["lessons"] == ""
    entry = TimelineEvent.objects.filter(incident=incident).latest("id")
    assert entry.text == "Post-mortem started, owned by dana"
    assert AuditEvent.objects.filter(verb="postmortem.started", incident=incident).count() == 1


def test_starting_again_refreshes_only_what_nobody_wrote():
    incident, lead = a_resolved_incident()
    postmortem = verbs.start_postmortem(incident, by=lead)
    verbs.edit_postmortem_section(postmortem, "summary", "Our words", by=lead)
    verbs.add_action(incident, "Load test the card path", by=lead)
    verbs.update_incident(incident, summary="Changed later", by=lead)
    again = verbs.start_postmortem(incident, by=lead)
    assert again.pk == postmortem.pk and PostMortem.objects.count() == 1
    assert text_of(again, "summary").text == "Our words"  # a person's: kept
    assert "Load test the card path" in text_of(again, "follow_ups").text  # pre-filled: fresh
    assert AuditEvent.objects.filter(verb="postmortem.prefilled").count() == 1
    assert TimelineEvent.objects.filter(metadata__postmortem="started").count() == 1


def test_an_edit_from_a_stale_version_is_refused_not_lost():
    incident, lead = a_resolved_incident()
    postmortem = verbs.start_postmortem(incident, by=lead)
    loaded = text_of(postmortem, "root_cause").version
    bob = ExternalUserFactory(display_name="bob")
    saved = verbs.edit_postmortem_section(
        postmortem, "root_cause", "A bad deploy", base_version=loaded, by=bob
    )
    assert saved.version == loaded + 1 and saved.edited_by_name == "bob"
    with pytest.raises(Conflict) as refused:
        verbs.edit_postmortem_section(
            postmortem, "root_cause", "Mine", base_version=loaded, by=lead
        )
    assert "changed by bob" in refused.value.message and "not saved" in refused.value.message
    assert text_of(postmortem, "root_cause").text == "A bad deploy"
    audit = AuditEvent.objects.get(verb="postmortem.section_edited")
    assert audit.after == {"section": "root_cause", "text": "A bad deploy"}


def test_an_edit_costs_a_fixed_number_of_queries(django_assert_num_queries):
    incident, lead = a_resolved_incident()
    postmortem = verbs.start_postmortem(incident, by=lead)
    # a savepoint, lock the post-mortem, lock the section, save it, save the post-mortem,
    # the audit row, release the savepoint
    with django_assert_num_queries(7):
        verbs.edit_postmortem_section(postmortem, "lessons", "Stage deploys", by=lead)


def test_unknown_sections_and_long_texts_are_refused():
    incident, lead = a_resolved_incident()
    postmortem = verbs.start_postmortem(incident, by=lead)
    with pytest.raises(InvalidInput, match="no section 'nope'"):
        verbs.edit_postmortem_section(postmortem, "nope", "x", by=lead)
    with pytest.raises(InvalidInput, match="the limit is 50000"):
        verbs.edit_postmortem_section(postmortem, "lessons", "x" * 50_001, by=lead)


def test_the_owner_is_set_with_a_timeline_entry():
    incident, lead = a_resolved_incident()
    postmortem = verbs.start_postmortem(incident, by=lead)
    bob = ExternalUserFactory(display_name="bob")
    verbs.set_postmortem_owner(postmortem, bob, by=lead)
    assert PostMortem.objects.get().owner == bob
    entry = TimelineEvent.objects.filter(incident=incident).latest("id")
    assert entry.text == "bob now owns the post-mortem" and entry.subject == bob
    audit = AuditEvent.objects.get(verb="postmortem.owner_changed")
    assert audit.before["owner"]["name"] == "dana" and audit.after["owner"]["name"] == "bob"
    verbs.set_postmortem_owner(postmortem, bob, by=lead)  # the same: nothing
    assert AuditEvent.objects.filter(verb="postmortem.owner_changed").count() == 1


def test_review_and_done_wait_for_the_resolution_and_a_root_cause():
    lead = ExternalUserFactory(display_name="dana")
    incident = declare("Still burning", lead=lead)
    postmortem = verbs.start_postmortem(incident, by=lead)
    with pytest.raises(InvalidTransition, match=r"still investigating.*in review once"):
        verbs.set_postmortem_state(postmortem, "in_review", by=lead)
    verbs.resolve_incident(incident, by=lead)
    verbs.set_postmortem_state(postmortem, "in_review", by=lead)
    with pytest.raises(InvalidTransition, match="written its root cause"):
        verbs.set_postmortem_state(postmortem, "done", by=lead)
    verbs.edit_postmortem_section(postmortem, "root_cause", "A bad deploy", by=lead)
    done = verbs.set_postmortem_state(postmortem, "done", by=lead)
    assert done.state == "done" and done.done_at is not None
    texts = list(
        TimelineEvent.objects.filter(metadata__postmortem="state").values_list("text", flat=True)
    )
    assert texts == ["The post-mortem is in review", "The post-mortem is done"]
    reopened = verbs.set_postmortem_state(postmortem, "draft", by=lead)
    assert reopened.state == "draft" and reopened.done_at is None
    with pytest.raises(InvalidInput, match="not a post-mortem state"):
        verbs.set_postmortem_state(postmortem, "finished", by=lead)


def test_the_prefill_is_a_pure_function_of_the_incident():
    lead = ExternalUserFactory(display_name="dana")
    incident = declare("Quiet", lead=lead)
    incident.started_at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    incident.detected_at = incident.started_at + timedelta(minutes=7)
    texts = prefilled_sections(incident, entries=[], actions=[])
    assert (
        texts["impact"] == "Impact since 2026-03-01 12:00 UTC, still going on; detected after 7m."
    )
    assert texts["root_cause"] == "" and texts["follow_ups"] == ""
