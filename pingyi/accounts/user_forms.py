"""Forms for managing accounts (superusers) and for one's own account."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.models import ROLE_ANCHOR, Role, User
from pingyi.catalog.models import District, Hall, Staff, Unit
from pingyi.lib import crypto


class UserForm(forms.ModelForm):
    password = forms.CharField(
        label=_("初始密码"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_(
            "新建账户时留空：生成一次性密码，只显示一次，首次登录须修改；编辑时留空表示不修改。至少10位，不能全是数字。"
        ),
    )
    phone = forms.CharField(label=_("电话"), max_length=20, required=False, help_text=_("加密保存"))

    class Meta:
        model = User
        fields = ["username", "first_name", "role", "district", "hall", "unit", "staff", "is_active"]
        labels = {"first_name": _("显示名称"), "is_active": _("启用")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: dict[str, Any] = {
            "district": District.objects.all(),
            "hall": Hall.objects.select_related("district"),
            "unit": Unit.objects.all(),
            "staff": Staff.objects.select_related("unit"),
        }
        for name, queryset in choices.items():
            cast(forms.ModelChoiceField, self.fields[name]).queryset = queryset
        for name in ("district", "hall", "unit", "staff"):
            self.fields[name].help_text = _(
                "按角色填写：纪检监察、热线话务员填区；大厅管理填大厅；单位管理员填单位；窗口工作人员填工作人员档案。"
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role = cleaned.get("role")
        if role and role in Role.values:
            anchor = ROLE_ANCHOR[Role(role)]
            if anchor and not cleaned.get(anchor):
                self.add_error(anchor, _("该角色必须指定范围"))
            for other in ("hall", "unit", "staff"):
                if other != anchor:
                    cleaned[other] = None
        password = cleaned.get("password")
        phone = cleaned.get("phone", "").strip()
        if phone:
            try:
                cleaned["phone"] = crypto.normalize_phone(phone)
            except ValueError:
                self.add_error("phone", _("不是有效的电话号码"))
        if password:
            try:
                validate_password(password, self.instance)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class TokenForm(forms.Form):
    name = forms.CharField(label=_("令牌名称"), max_length=100, help_text=_("例如：台账上传程序"))
