"""Who is asking: a bearer token, or the web UI's session (with its CSRF check for writes)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from response.api.tokens import api_token_for


class TokenAuth(HttpBearer):
    """`Authorization: Bearer rsp_…`. Sets `request.api_token` for the read-only check."""

    def authenticate(self, request: HttpRequest, token: str):
        row = api_token_for(token.strip())
        if row is None:
            return None
        request.api_token = row
        return row.user


class BrowserSessionAuth(SessionAuth):
    """The signed-in web UI user. Unsafe methods need the CSRF token, as in any Django form."""

    def authenticate(self, request: HttpRequest, key: str | None):
        user = super().authenticate(request, key)
        if user is not None:
            request.api_token = None
        return user


AUTH = [TokenAuth(), BrowserSessionAuth(csrf=True)]
