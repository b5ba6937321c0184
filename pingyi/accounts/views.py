"""Login, one's own account (password, API tokens), and account management for superusers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingyi.accounts.forms import LockoutAuthenticationForm
from pingyi.accounts.models import User
from pingyi.accounts.onetime import one_time_password
from pingyi.accounts.roles import signed_in
from pingyi.accounts.scopes import can_edit, restrict
from pingyi.accounts.services import (
    api_token_create,
    api_token_revoke,
    user_create,
    user_password_change,
    user_update,
)
from pingyi.accounts.user_forms import TokenForm, UserForm


class LoginView(auth_views.LoginView):
    """Sign-in. The page gives the browser the device cookie the rating page reads, and a successful sign-in of a
    staff member, unit admin or hall manager remembers that device (ratings.integrity), so that a rating later made
    from the same browser is flagged "staff_device".
    """

    template_name = "accounts/login.html"
    authentication_form = LockoutAuthenticationForm
    redirect_authenticated_user = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # Imported here: accounts must not import the ratings app at module load.
        from pingyi.ratings.fingerprints import DEVICE_COOKIE, ensure_device_cookie

        response: Any = super().dispatch(request, *args, **kwargs)
        if DEVICE_COOKIE not in response.cookies:
            ensure_device_cookie(request, response)
        return response

    def form_valid(self, form: Any) -> HttpResponse:
        from pingyi.ratings.fingerprints import DEVICE_COOKIE, device_fingerprint, ensure_device_cookie
        from pingyi.ratings.integrity import staff_device_record

        response = super().form_valid(form)
        # A browser that posts without having loaded the page gets its cookie now; fingerprint that new value.
        ensure_device_cookie(self.request, response)
        if DEVICE_COOKIE in response.cookies:
            self.request.COOKIES[DEVICE_COOKIE] = response.cookies[DEVICE_COOKIE].value
        staff_device_record(user=form.get_user(), device_fp=device_fingerprint(self.request))
        return response


@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    password_form = PasswordChangeForm(user, request.POST if request.POST.get("form") == "password" else None)
    token_form = TokenForm(request.POST if request.POST.get("form") == "token" else None)
    new_token = ""
    if request.method == "POST":
        if request.POST.get("form") == "password" and password_form.is_valid():
            user_password_change(actor=user, new_password=password_form.cleaned_data["new_password1"])
            update_session_auth_hash(request, user)
            messages.success(request, _("密码已修改"))
            return redirect("account")
        if request.POST.get("form") == "token" and token_form.is_valid():
            new_token = api_token_create(actor=user, user=user, name=token_form.cleaned_data["name"])
            token_form = TokenForm()
    tokens = user.api_tokens.filter(revoked=False).order_by("-created_at")
    context = {
        "password_form": password_form,
        "token_form": token_form,
        "tokens": tokens,
        "new_token": new_token,
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.api_tokens.filter(pk=pk).exists():  # type: ignore[union-attr]
        raise Http404
    api_token_revoke(actor=signed_in(request), token_id=pk)
    messages.success(request, _("令牌已吊销"))
    return redirect("account")


def _managed(request: HttpRequest) -> Any:
    if not can_edit(request.user, User):
        raise Http404
    return restrict(User.objects.select_related("district", "hall", "unit", "staff"), request.user)


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    users = _managed(request).order_by("role", "username")
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(Q(username__icontains=query) | Q(first_name__icontains=query))
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(
        request, "accounts/user_list.html", {"page": page, "query": query, "querystring": f"q={query}"}
    )


@login_required
def user_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    target = get_object_or_404(_managed(request), pk=pk) if pk else None
    form = UserForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"password", "phone"}}
        password = form.cleaned_data.get("password", "")
        phone = form.cleaned_data.get("phone", "")
        if target is None:
            is_active = data.pop("is_active", True)
            generated = "" if password else one_time_password()
            saved = user_create(
                actor=signed_in(request),
                password=password or generated,
                display_name=data.pop("first_name", ""),
                phone=phone,
                must_change_password=bool(generated),
                **data,
            )
            if not is_active:
                user_update(actor=signed_in(request), user=saved, data={"is_active": False})
            if generated:  # shown on this response only, never stored in a message or the session
                response = render(
                    request, "accounts/user_created.html", {"target": saved, "password": generated}
                )
                response["Cache-Control"] = "no-store"
                return response
        else:
            if phone:
                saved_phone = User(pk=target.pk)
                saved_phone.set_phone(phone)
                data.update(
                    phone_ciphertext=saved_phone.phone_ciphertext,
                    phone_index=saved_phone.phone_index,
                    phone_masked=saved_phone.phone_masked,
                )
            saved = user_update(actor=signed_in(request), user=target, data=data, password=password)
        messages.success(request, _("已保存账户 %(name)s") % {"name": saved.username})
        return redirect("user_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/user_form.html", {"form": form, "target": target}, status=status)
