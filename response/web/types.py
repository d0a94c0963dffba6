"""Incident types on the web: the incident page's form for its type and the answers to the
type's custom fields, and what the pages show of them.

The form collects what was entered (a required field is marked so); the rules (required,
numbers, links, options) are the core's (response.core.fields), whose refusals come back on the
field they name ("fields.<key>", which is also the form field's name)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse

from response.core.fields import FieldKind, error_field
from response.core.models import CustomField, Incident, IncidentType
from response.core.selectors import shown_fields_of
from response.core.verbs.types import fields_of


def _field_for(field: CustomField) -> forms.Field:
    common: dict[str, Any] = {
        "label": field.label,
        "required": field.required,
        # In the core's words (response.core.fields), which says it too.
        "error_messages": {"required": f"{field.label} is required."},
        "help_text": field.help_text,
    }
    if field.kind == FieldKind.SINGLE_SELECT:
        return forms.ChoiceField(choices=[("", "—"), *((o, o) for o in field.options)], **common)
    if field.kind == FieldKind.MULTI_SELECT:
        return forms.MultipleChoiceField(
            choices=[(o, o) for o in field.options],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if field.kind == FieldKind.NUMBER:
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    if field.kind == FieldKind.LINK:
        return forms.CharField(widget=forms.URLInput(), **common)
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), **common)


class TypeFieldsForm(forms.Form):
    """The type select, then the fields of `chosen` (the incident's type, or the one asked for)."""

    type = forms.ChoiceField(required=False, label="Type")

    def __init__(
        self,
        *args: Any,
        types: list[IncidentType],
        chosen: IncidentType | None,
        fields: list[CustomField],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.type_fields = fields
        self.shown_type = chosen.slug if chosen else ""  # whose fields the form shows
        self.answered = True  # False: the type changed, its fields were not shown yet
        self.private_by_default = bool(chosen and chosen.private_by_default)
        offered = [t for t in types if not t.archived or (chosen and t.pk == chosen.pk)]
        self.fields["type"].choices = [("", "No type"), *((t.slug, t.name) for t in offered)]  # type: ignore[attr-defined]
        self.fields["type"].initial = chosen.slug if chosen else ""
        for field in fields:
            self.fields[error_field(field.key)] = _field_for(field)

    @classmethod
    def initial_for(cls, values: dict[str, Any]) -> dict[str, Any]:
        return {error_field(key): value for key, value in values.items()}

    def field_values(self) -> dict[str, Any]:
        """{key: what was entered} for the type's fields (None: left empty); nothing when they
        were not shown, so that a new type's defaults apply."""
        if not self.answered:
            return {}
        return {f.key: self.cleaned_data.get(error_field(f.key)) or None for f in self.type_fields}

    def value_fields(self) -> list[forms.BoundField]:
        return [self[error_field(f.key)] for f in self.type_fields]


def all_types() -> list[IncidentType]:
    return list(IncidentType.objects.order_by("order", "name"))


def type_context(incident: Incident) -> dict[str, Any]:
    """The incident's answers, and the form to change them: for an incident with a type, or
    when types exist (`incident.types_offered`, read with the incident by
    `response.web.queries.incident_or_404`). Without either, no query and nothing shown."""
    shown = shown_fields_of(incident)
    if incident.type_id is None and not getattr(incident, "types_offered", False):
        return {"type_fields": shown, "type_form": None}
    form = TypeFieldsForm(
        types=all_types(),
        chosen=incident.type,
        fields=fields_of(incident.type),
        initial=TypeFieldsForm.initial_for({f.key: f.value for f in shown}),
    )
    return {"type_fields": shown, "type_form": form}


def defaults_of(fields: list[CustomField]) -> dict[str, Any]:
    return {error_field(f.key): f.default for f in fields if f.default is not None}


def posted_type_form(types: list[IncidentType], data: Any) -> TypeFieldsForm:
    """The form as posted. The fields' answers count only if the form showed the fields of the
    type posted; a type just chosen in the select starts from its defaults (the page is shown
    again with its fields if one of them needs an answer)."""
    slug = data.get("type", "")
    chosen = next((t for t in types if t.slug == slug), None)
    answered = data.get("shown_type", "") == slug
    if not answered:
        data = data.copy()
        for name in list(data):
            if name.startswith(error_field("")):
                del data[name]
    form = TypeFieldsForm(data, types=types, chosen=chosen, fields=fields_of(chosen))
    if not answered:
        form.answered = False
        for field in form.fields.values():
            field.required = False  # not asked yet: the defaults apply, the core says what lacks
    return form


def declare_type_form(data: Any | None, slug: str = "") -> TypeFieldsForm | None:
    """The declare page's type select and the fields of the type chosen (`slug`, or as posted);
    None when no type is offered."""
    types = [t for t in all_types() if not t.archived]
    if not types:
        return None
    if data is not None:
        return swapping_fields(posted_type_form(types, data))
    chosen = next((t for t in types if t.slug == slug), None)
    fields = fields_of(chosen)
    return swapping_fields(
        TypeFieldsForm(
            types=types,
            chosen=chosen,
            fields=fields,
            initial={"type": slug if chosen else "", **defaults_of(fields)},
        )
    )


def swapping_fields(form: TypeFieldsForm) -> TypeFieldsForm:
    """With JavaScript, choosing a type on the declare page shows its fields at once (htmx)."""
    form.fields["type"].widget.attrs.update(
        {
            "hx-get": reverse("web:declare_type_fields"),
            "hx-trigger": "change",
            "hx-target": "#declare-type",
            "hx-swap": "outerHTML",
        }
    )
    return form


def asking_again(form: TypeFieldsForm) -> TypeFieldsForm:
    """A type chosen without its fields shown (no JavaScript): the form again, showing them
    with their defaults, for the person to answer before declaring."""
    chosen = next((t for t in all_types() if t.slug == form.shown_type), None)
    fields = fields_of(chosen)
    return swapping_fields(
        TypeFieldsForm(
            types=[t for t in all_types() if not t.archived],
            chosen=chosen,
            fields=fields,
            initial={"type": form.shown_type, **defaults_of(fields)},
        )
    )
