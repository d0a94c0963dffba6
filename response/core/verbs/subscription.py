"""Following an incident from outside its channel."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from response.core.models import ExternalUser, Incident, Subscription


def subscribe(incident: Incident, person: ExternalUser) -> bool:
    """Follow the incident; False when they already did (a double click changes nothing)."""
    try:
        with transaction.atomic():
            _, created = Subscription.objects.get_or_create(incident=incident, person=person)
    except IntegrityError:  # subscribed by a concurrent request a moment ago
        return False
    return created


def unsubscribe(incident: Incident, person: ExternalUser) -> bool:
    """Stop following it; False when they did not follow it."""
    deleted, _ = Subscription.objects.filter(incident=incident, person=person).delete()
    return deleted > 0


def toggle_subscription(incident: Incident, person: ExternalUser) -> bool:
    """Subscribe, or unsubscribe someone who is subscribed already; True when they follow it
    now. (The headline post shows one button to everyone: pressing it again undoes it.)"""
    if unsubscribe(incident, person):
        return False
    subscribe(incident, person)
    return True
