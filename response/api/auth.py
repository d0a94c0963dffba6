"""Who is asking: a bearer token, or the web UI's session (with its CSRF check for writes)."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from response.api.models import ApiToken
from response.api.tokens import api_token_for


class ApiRequest(HttpRequest):
    """A request that passed `AUTH` (what the routers' endpoints receive): who is asking, and
    with which token (None: the web UI's session)."""

    auth: User
    api_token: ApiToken | None


class TokenAuth(HttpBearer):
    """`Authorization: Bearer rsp_…`. Sets `request.api_token` for the read-only check."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        row = api_token_for(token.strip())
        if row is None:
            return None
        cast(ApiRequest, request).api_token = row
        return row.user


class BrowserSessionAuth(SessionAuth):
    """The signed-in web UI user. Unsafe methods need the CSRF token, as in any Django form."""

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = super().authenticate(request, key)
        if user is not None:
            cast(ApiRequest, request).api_token = None
        return user


AUTH = [TokenAuth(), BrowserSessionAuth(csrf=True)]
