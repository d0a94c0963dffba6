"""Test data. Incidents are made with the real verbs, so they carry timeline and audit rows."""

from __future__ import annotations

import itertools

import factory

from response.core import verbs
from response.core.models import ExternalUser, Incident

_ids = itertools.count(1)


class ExternalUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalUser

    app = "slack"
    workspace_id = "T0001"
    external_id = factory.LazyFunction(lambda: f"U{next(_ids):08d}")
    display_name = factory.Sequence(lambda n: f"person{n}")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda o: f"{o.display_name}@example.com")
    time_zone = "Europe/London"


def declare(title: str = "Payments are failing", **kwargs) -> Incident:
    kwargs.setdefault("reporter", ExternalUserFactory())
    kwargs.setdefault("by", kwargs["reporter"])
    return verbs.declare_incident(title=title, **kwargs)
