from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from response.security import throttle


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refusing a username or an address that failed too often
    (response.security.throttle) before the password is even checked."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if username:
            refused = throttle.held(username, throttle.client_address(self.request))
            if refused is not None:
                raise forms.ValidationError(refused.message(), code="throttled")
        return super().clean()


class ThrottledAdminAuthenticationForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """The admin's sign-in form (staff only), throttled the same way."""
