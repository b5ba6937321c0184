from __future__ import annotations

from django.contrib.auth import views as auth_views

from pingyi.accounts.forms import LockoutAuthenticationForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LockoutAuthenticationForm
    redirect_authenticated_user = True
