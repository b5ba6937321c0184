"""Accounts: a user has one role and the anchor of its scope (district, hall, unit or staff record)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from pingyi.lib.phonefields import EncryptedPhone


class Role(models.TextChoices):
    INSPECTOR = "inspector", _("纪检监察")
    HALL_MANAGER = "hall_manager", _("大厅管理")
    UNIT_ADMIN = "unit_admin", _("单位管理员")
    STAFF = "staff", _("窗口工作人员")
    OPERATOR = "operator", _("热线话务员")
    SUPERUSER = "superuser", _("系统管理员")


# Which anchor each role needs; the scope module reads these.
ROLE_ANCHOR = {
    Role.INSPECTOR: "district",
    Role.HALL_MANAGER: "hall",
    Role.UNIT_ADMIN: "unit",
    Role.STAFF: "staff",
    Role.OPERATOR: "district",
    Role.SUPERUSER: None,
}


class PingyiUserManager(UserManager["User"]):
    """Django's manager, except that ``createsuperuser`` (and any ``create_superuser``) gives the role superuser."""

    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("role", Role.SUPERUSER)
        if extra_fields["role"] != Role.SUPERUSER:
            raise ValueError("Superuser must have role=superuser.")
        from pingyi.accounts.roles import SystemActor  # roles reads this module's User
        from pingyi.audit.services import audit_record, snapshot  # audit's models refer to this one

        with transaction.atomic(using=self.db):
            user = super().create_superuser(username, email, password, **extra_fields)
            audit_record(
                actor=SystemActor("createsuperuser"),
                action="user.create",
                obj=user,
                after=snapshot(user, exclude=("password", "last_login")),
            )
        return user


class User(AbstractUser, EncryptedPhone):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    must_change_password = models.BooleanField(
        _("须修改密码"), default=False, help_text=_("一次性密码：登录后须先设置自己的密码")
    )
    district = models.ForeignKey(
        "catalog.District",
        verbose_name=_("区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hall = models.ForeignKey(
        "catalog.Hall",
        verbose_name=_("大厅"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "catalog.Unit",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    staff = models.OneToOneField(
        "catalog.Staff",
        verbose_name=_("工作人员档案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
    )

    objects: ClassVar[PingyiUserManager] = PingyiUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="user_role_known"
            ),
        ]

    def clean(self) -> None:
        anchor = ROLE_ANCHOR.get(Role(self.role)) if self.role in Role.values else None
        if anchor and getattr(self, f"{anchor}_id") is None:
            raise ValidationError({anchor: _("该角色必须指定范围")})


class LoginFailure(models.Model):
    """A failed login; enough of them in a short time lock the username out (not the client: a proxy shares IPs)."""

    username = models.CharField(_("用户名"), max_length=150, db_index=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录失败")
        verbose_name_plural = _("登录失败")

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored, the token itself is shown once."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=8)
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked = models.BooleanField(_("已吊销"), default=False)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
