"""What the inspection steps share: who may take a step, and the inspection row locked in an allowed status."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from pingyi.accounts.roles import Actor, is_inspector
from pingyi.inspections.errors import Refused
from pingyi.inspections.models import Inspection
from pingyi.inspections.selectors import is_unit_of


def require_inspector(actor: Actor, district_id: int) -> None:
    """Refuse (PermissionDenied) anyone but an inspector of the district or a superuser."""
    if not is_inspector(actor, district_id):
        raise PermissionDenied(gettext("只有本区纪检监察检查人员可以进行此操作"))


def require_unit(actor: Actor, inspection: Inspection) -> None:
    """Refuse (PermissionDenied) anyone but the inspected unit's admin, once the unit may see the inspection."""
    if not is_unit_of(actor, inspection):
        raise PermissionDenied(gettext("只有被检查单位的管理员可以提交整改材料"))


def lock_in(inspection: Inspection, allowed: set[str], doing: str) -> Inspection:
    """The inspection row locked for update, refused unless its status is one of ``allowed``."""
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.status not in allowed:
        raise Refused(
            gettext("当前状态（%(status)s）不能%(doing)s")
            % {"status": locked.get_status_display(), "doing": doing}
        )
    return locked
