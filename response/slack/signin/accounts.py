"""Who a person who signed in with Slack is in Response: the workspace they must belong to, the
web UI user linked to their chat account (created the first time), and their staff rights."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from response.core.models import ExternalUser
from response.core.verbs import link_external_user
from response.engine.kinds import Failed, Retry
from response.slack.outbound import client
from response.slack.outbound.identity import identity, remember_identity
from response.slack.people import slack_user
from response.slack.signin.oidc import Person, SignInRefused


def workspace_id() -> str:
    """The workspace whose members may sign in: SLACK_TEAM_ID, else the bot token's (known from
    auth.test, asked now if the worker has not yet)."""
    if settings.SLACK_TEAM_ID:
        return settings.SLACK_TEAM_ID
    known = identity().get("team_id")
    if known:
        return str(known)
    try:
        return str(remember_identity(client.call("auth.test"))["team_id"])
    except (Retry, Failed) as error:
        raise SignInRefused(
            "Response cannot tell which Slack workspace it belongs to.",
            f"auth.test failed ({error}); check SLACK_BOT_TOKEN, or set SLACK_TEAM_ID.",
            status=503,
        ) from None


def check_workspace(person: Person) -> None:
    if person.team_id != workspace_id():
        where = person.team_name or person.team_id
        raise SignInRefused(
            f"You signed in to {where}, which is not this Response's workspace.",
            "Sign in with Slack again and choose the workspace where Response is installed.",
            status=403,
        )


def signed_in_user(person: Person) -> User:
    """The web UI user linked to the person's chat account: created and linked the first time
    (once, even if two tabs finish signing in together), kept up to date with Slack after."""
    staff = is_staff(person)  # may ask Slack: before the transaction, never inside it
    account = slack_user(person.user_id)  # the adapter's own record of them, never a copy
    with transaction.atomic():
        account = ExternalUser.objects.select_for_update().get(pk=account.pk)
        user = account.user or _new_user(person)
        if not user.is_active:
            raise SignInRefused(
                "Your Response account is switched off.",
                "Ask an administrator to switch it on again.",
                status=403,
            )
        user.first_name = (person.given_name or person.name)[:150]
        user.last_name = person.family_name[:150]
        user.email = person.email or user.email
        if staff is not None:
            user.is_staff = user.is_superuser = staff
        user.save()
        if account.user_id is None:
            link_external_user(account, user=user)
    return user


def is_staff(person: Person) -> bool | None:
    """Whether RESPONSE_SLACK_STAFF names the person (by id, email, or a user group they are
    in); None when it is not set, and rights are left to the admin."""
    named = settings.RESPONSE_SLACK_STAFF
    if not named:
        return None
    if person.user_id in named or (
        person.email and person.email.lower() in {n.lower() for n in named}
    ):
        return True
    handles = {n.removeprefix("@") for n in named if n.startswith("@")}
    return bool(handles) and person.user_id in _members_of(handles)


def _members_of(handles: set[str]) -> set[str]:
    try:
        groups = client.call("usergroups.list", include_users=True).get("usergroups", [])
    except (Retry, Failed) as error:
        raise SignInRefused(
            "Response could not check who is staff.",
            f"usergroups.list failed ({error}); try again, or ask an administrator to check "
            "the app's usergroups:read scope.",
            status=503,
        ) from None
    members: set[str] = set()
    for group in groups:
        if group.get("handle") in handles:
            members.update(group.get("users") or [])
    return members


def _new_user(person: Person) -> User:
    user = User(username=_free_username(person))
    user.set_unusable_password()  # they sign in with Slack
    return user


def _free_username(person: Person) -> str:
    """Their email, which people recognise; else their Slack id (numbered, in the unlikely case
    that an unlinked user already has it)."""
    candidates = [person.email] if person.email else []
    candidates += [person.user_id] + [f"{person.user_id}-{n}" for n in range(2, 100)]
    taken = set(User.objects.filter(username__in=candidates).values_list("username", flat=True))
    return next(name for name in candidates if name not in taken)
