"""Forms parse and validate input for the shape of a field only; the verbs decide what is allowed
and their ResponseError messages are shown as form errors (`add_response_error`)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from response.core.errors import ResponseError
from response.core.models import Action, ExternalUser, PostMortemState, Service, Severity, Status
from response.core.models.incident import TITLE_MAX_LENGTH


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker; values are in the viewer's time zone."""

    input_type = "datetime-local"

    def __init__(self, *, seconds: bool = False, attrs=None):
        fmt = "%Y-%m-%dT%H:%M:%S" if seconds else "%Y-%m-%dT%H:%M"
        attrs = {**(attrs or {}), **({"step": "1"} if seconds else {})}
        super().__init__(attrs=attrs, format=fmt)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class FastSelect(forms.Select):
    """A <select> built in Python. Django renders each <option> through a template, which costs
    milliseconds for a list of a few hundred people; this renders the same markup."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


def _people():
    return (
        ExternalUser.objects.filter(is_bot=False, is_deleted=False)
        .only("display_name", "full_name", "external_id")
        .order_by("display_name", "full_name", "external_id")
    )


class PersonChoiceField(forms.ModelChoiceField):
    widget = FastSelect

    def label_from_instance(self, obj: ExternalUser) -> str:
        return obj.name


class MultilineField(forms.CharField):
    """Browsers send textarea line breaks as CRLF; store plain newlines."""

    widget = forms.Textarea

    def to_python(self, value: Any) -> str:
        return (super().to_python(value) or "").replace("\r\n", "\n")


def add_response_error(form: forms.Form, error: ResponseError) -> None:
    field = error.field if error.field in form.fields else None
    if field is None and error.field == "start time" and "started_at" in form.fields:
        field = "started_at"
    form.add_error(field, error.message)


STATUS_FILTER_CHOICES = [
    ("", "Any status"),
    ("open", "Open"),
    ("closed", "Closed"),
    *[(s.value, s.label) for s in Status],
]


class IncidentFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=200)
    status = forms.ChoiceField(required=False, choices=STATUS_FILTER_CHOICES, widget=FastSelect)
    severity = forms.ModelChoiceField(
        widget=FastSelect,
        queryset=Severity.objects.all(),
        required=False,
        empty_label="Any severity",
    )
    lead = PersonChoiceField(
        queryset=ExternalUser.objects.none(), required=False, empty_label="Any lead"
    )
    service = forms.ModelChoiceField(
        widget=FastSelect,
        queryset=Service.objects.all(),
        to_field_name="slug",  # ?service=checkout
        required=False,
        empty_label="Any service",
    )
    since = forms.DateField(required=False, label="Reported from", widget=DateInput())
    until = forms.DateField(required=False, label="Reported until", widget=DateInput())

    def __init__(self, *args, leads=None, types=None, **kwargs):
        super().__init__(*args, **kwargs)
        if leads is not None:
            self.fields["lead"].queryset = leads  # type: ignore[attr-defined]  # a ModelChoiceField
        if types:  # incident types (response.core.models.types): a filter only when there are
            self.fields["type"] = forms.ChoiceField(
                required=False,
                choices=[("", "Any type"), ("none", "No type"), *((t.slug, t.name) for t in types)],
                widget=FastSelect,
            )


class DetailsForm(forms.Form):
    """Bound with the incident's current values as `initial`, so only what changed is sent."""

    title = forms.CharField(max_length=TITLE_MAX_LENGTH)
    summary = MultilineField(
        required=False, widget=forms.Textarea(attrs={"rows": 6}), help_text="Markdown."
    )
    impact = MultilineField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="Markdown."
    )
    started_at = forms.DateTimeField(label="Started", widget=DateTimeLocalInput(seconds=True))

    @classmethod
    def initial_for(cls, incident) -> dict:
        return {
            "title": incident.title,
            "summary": incident.summary,
            "impact": incident.impact,
            "started_at": incident.started_at,
        }

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data}


class SeverityForm(forms.Form):
    severity = forms.ModelChoiceField(
        widget=FastSelect, queryset=Severity.objects.all(), required=False, empty_label="Unset"
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        # Triage statuses change through the triage post's buttons, not this menu.
        choices=[(s.value, s.label) for s in Status if s not in ("reported", "triage", "declined")],
        widget=FastSelect,
    )


class LeadForm(forms.Form):
    lead = PersonChoiceField(queryset=_people(), required=False, empty_label="None")


class ServicesForm(forms.Form):
    """The services an incident affects, ticked among the catalog's (slug, name) pairs (read
    here when not given)."""

    services = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Affected services"
    )

    def __init__(self, *args, catalog: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if catalog is None:
            catalog = list(Service.objects.values_list("slug", "name"))
        self.fields["services"].choices = catalog  # type: ignore[attr-defined]


class RoleForm(forms.Form):
    """Who holds one role (the role is in the URL); nobody clears it."""

    person = PersonChoiceField(queryset=_people(), required=False, empty_label="Nobody")


class TimelineEntryForm(forms.Form):
    prefix = "entry"
    text = MultilineField(widget=forms.Textarea(attrs={"rows": 2}), label="Entry")
    timestamp = forms.DateTimeField(
        required=False, label="Time", widget=DateTimeLocalInput(seconds=True)
    )


class ActionForm(forms.Form):
    prefix = "action"
    text = forms.CharField(label="Follow-up action", max_length=10_000)
    owner = PersonChoiceField(queryset=_people(), required=False, empty_label="Nobody yet")
    due_date = forms.DateField(required=False, label="Due", widget=DateInput())
    priority = forms.ChoiceField(
        choices=Action.Priority.choices, initial=Action.Priority.MEDIUM, widget=FastSelect
    )


class CompleteActionForm(forms.Form):
    done = forms.BooleanField(required=False)


class ExportActionForm(forms.Form):
    tracker = forms.ChoiceField(choices=Action.Tracker.choices)


class DeclareForm(forms.Form):
    """The same questions as the Slack modal."""

    title = forms.CharField(max_length=TITLE_MAX_LENGTH, help_text="What is happening, briefly.")
    summary = MultilineField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="Markdown."
    )
    impact = MultilineField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who or what is affected? Markdown.",
    )
    severity = forms.ModelChoiceField(
        widget=FastSelect,
        queryset=Severity.objects.all(),
        required=False,
        empty_label="Not sure yet",
    )
    lead = PersonChoiceField(queryset=_people(), required=False, empty_label="Nobody yet")
    started_at = forms.DateTimeField(
        required=False,
        label="Started",
        widget=DateTimeLocalInput(),
        help_text="Leave empty for now.",
    )
    is_private = forms.BooleanField(
        required=False,
        label="Private",
        help_text="Only the people involved (and staff) can see it.",
    )
    is_report_only = forms.BooleanField(
        required=False,
        label="Already fixed (report only)",
        help_text="Record an incident that is over.",
    )
    # Makes a double submission declare once.
    dedup_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("dedup_key", f"web:{uuid.uuid4()}")
        super().__init__(*args, **kwargs)


class KeyTimesForm(forms.Form):
    """The key times people correct (impact started, detected, acknowledged, mitigated and, once
    closed, resolved), in the viewer's time zone. Bound with the current times as `initial`, so
    only what changed is sent; an empty time is unknown."""

    started_at = forms.DateTimeField(
        label="Impact started", widget=DateTimeLocalInput(seconds=True)
    )
    detected_at = forms.DateTimeField(
        label="Detected", required=False, widget=DateTimeLocalInput(seconds=True)
    )
    acknowledged_at = forms.DateTimeField(
        label="Acknowledged", required=False, widget=DateTimeLocalInput(seconds=True)
    )
    mitigated_at = forms.DateTimeField(
        label="Mitigated", required=False, widget=DateTimeLocalInput(seconds=True)
    )
    resolved_at = forms.DateTimeField(label="Resolved", widget=DateTimeLocalInput(seconds=True))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "resolved_at" not in self.initial:  # only a closed incident has a resolution time
            del self.fields["resolved_at"]

    @classmethod
    def initial_for(cls, incident) -> dict:
        names = ["started_at", "detected_at", "acknowledged_at", "mitigated_at"]
        if incident.is_closed():
            names.append("resolved_at")
        return {name: getattr(incident, name) for name in names}

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data}


class PostMortemSectionForm(forms.Form):
    """One section's Markdown, with the version it was loaded at (see edit_postmortem_section)."""

    text = MultilineField(
        required=False, widget=forms.Textarea(attrs={"rows": 14}), help_text="Markdown."
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, heading: str = "Text", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = heading


class PostMortemOwnerForm(forms.Form):
    owner = PersonChoiceField(queryset=_people(), required=False, empty_label="Nobody yet")


class PostMortemStateForm(forms.Form):
    state = forms.ChoiceField(choices=PostMortemState.choices, widget=FastSelect)
