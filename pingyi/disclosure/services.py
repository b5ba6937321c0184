"""Writes to bulletins: draft, edit, review (by a second inspector), publish, withdraw.

Each function runs in one transaction, locks the bulletin row, checks the state and who acts, and writes one audit
entry. Refusals raise ``BulletinError`` with a message in Chinese for the person who acted.

What a bulletin may say is checked on every write and again on review and publication: no phone number, and —
unless the bulletin is marked to show them — neither the names of the people its linked records concern nor the name
of any staff member of the district.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from pingyi.accountability.models import AccountabilityRecord
from pingyi.accounts.models import User
from pingyi.accounts.roles import Actor, is_inspector, person
from pingyi.audit.services import audit_record
from pingyi.catalog.models import Staff
from pingyi.disclosure.models import Bulletin, Kind, State
from pingyi.inspections.models import Inspection
from pingyi.tickets.models import Ticket

# A mainland mobile number, whole or masked (138****5678), or a landline with its area code.
_NAME_SPLIT = re.compile(r"[、，,;；\s]+")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d(?:\d{4}|\*{4})\d{4}|0\d{2,3}-?\d{7,8})(?!\d)")


class BulletinError(Exception):
    """A refused step; ``str(error)`` is the Chinese message to show."""


def _links(
    district_id: int,
    inspections: Sequence[Inspection],
    accountability: Sequence[AccountabilityRecord],
    tickets: Sequence[Ticket],
) -> None:
    for group in (inspections, accountability, tickets):
        for obj in group:
            if obj.district_id != district_id:
                raise BulletinError(
                    gettext("%(kind)s %(object)s 不属于本区，不能关联")
                    % {"kind": obj._meta.verbose_name, "object": obj}
                )


def names_concerned(
    inspections: Iterable[Inspection],
    accountability: Iterable[AccountabilityRecord],
    tickets: Iterable[Ticket],
) -> set[str]:
    """The names of the people the linked records are about: those held accountable, the staff who served, the
    people an inspection's findings name."""
    names: set[str] = set()
    for inspection in inspections:
        for finding in inspection.findings.prefetch_related("staff"):
            names.update(staff.name for staff in finding.staff.all())
            names.update(_NAME_SPLIT.split(finding.people_names))
    for record in accountability:
        names.add(record.person_name)
        if record.staff is not None:
            names.add(record.staff.name)
    for ticket in tickets:
        if ticket.staff is not None:
            names.add(ticket.staff.name)
    return _real_names(names)


def _real_names(names: Iterable[str]) -> set[str]:
    # A name already written as 周某 names no one; a single character would match everywhere.
    return {name.strip() for name in names if len(name.strip()) >= 2 and not name.strip().endswith("某")}


def _content(
    district_id: int,
    title: str,
    body: str,
    show_names: bool,
    inspections: Iterable[Inspection],
    accountability: Iterable[AccountabilityRecord],
    tickets: Iterable[Ticket],
) -> None:
    if not title.strip() or not body.strip():
        raise BulletinError(gettext("请填写标题和正文"))
    if len(title.strip()) > 200:
        raise BulletinError(gettext("标题不能超过 200 字"))
    if len(body) > 20000:
        raise BulletinError(gettext("正文不能超过 20000 字"))
    text = f"{title}\n{body}"
    if _PHONE.search(text):
        raise BulletinError(gettext("通报不得包含电话号码"))
    if not show_names:
        # The people the links concern, and any staff member of the district, linked or not.
        staff = Staff.objects.filter(unit__district_id=district_id).values_list("name", flat=True)
        names = names_concerned(inspections, accountability, tickets) | _real_names(staff)
        named = sorted(name for name in names if name in text)
        if named:
            raise BulletinError(
                gettext("未选择公开被问责人姓名，标题和正文不得出现人员姓名（%(names)s）；请改用“某”称谓")
                % {"names": "、".join(named)}
            )


def _require_inspector(actor: Actor, district_id: int, what: str) -> User:
    """The inspector of the district who acts, or a refusal."""
    user = person(actor)
    if user is None or not is_inspector(user, district_id):
        raise BulletinError(gettext("只有纪检监察人员可以%(what)s") % {"what": what})
    return user


def _snapshot(bulletin: Bulletin) -> dict[str, Any]:
    return {
        "state": bulletin.state,
        "kind": bulletin.kind,
        "title": bulletin.title,
        "show_names": bulletin.show_names,
        "inspections": sorted(bulletin.inspections.values_list("pk", flat=True)),
        "accountability": sorted(bulletin.accountability.values_list("pk", flat=True)),
        "tickets": sorted(bulletin.tickets.values_list("pk", flat=True)),
    }


def bulletin_draft(
    *,
    actor: Actor,
    district: Any,
    kind: str,
    title: str,
    body: str,
    show_names: bool = False,
    inspections: Sequence[Inspection] = (),
    accountability: Sequence[AccountabilityRecord] = (),
    tickets: Sequence[Ticket] = (),
) -> Bulletin:
    """An inspector drafts a bulletin of its district."""
    user = _require_inspector(actor, district.pk, gettext("起草通报"))
    if kind not in Kind.values:
        raise BulletinError(gettext("请选择通报类别"))
    inspections, accountability, tickets = list(inspections), list(accountability), list(tickets)
    _links(district.pk, inspections, accountability, tickets)
    _content(district.pk, title, body, show_names, inspections, accountability, tickets)
    with transaction.atomic():
        bulletin = Bulletin.objects.create(
            district=district,
            kind=kind,
            title=title.strip(),
            body=body.strip(),
            show_names=show_names,
            drafted_by=user,
            drafted_at=timezone.now(),
        )
        bulletin.inspections.set(inspections)
        bulletin.accountability.set(accountability)
        bulletin.tickets.set(tickets)
        audit_record(actor=actor, action="bulletin.draft", obj=bulletin, after=_snapshot(bulletin))
    return bulletin


def _locked(bulletin_id: int) -> Bulletin:
    bulletin = Bulletin.objects.select_for_update().filter(pk=bulletin_id).first()
    if bulletin is None:
        raise BulletinError(gettext("通报不存在"))
    return bulletin


def _state_allows(bulletin: Bulletin, allowed: set[str], what: str) -> None:
    if bulletin.state not in allowed:
        raise BulletinError(
            gettext("通报当前状态为“%(state)s”，不能%(what)s")
            % {"state": bulletin.get_state_display(), "what": what}
        )


def bulletin_update(
    *,
    actor: Actor,
    bulletin_id: int,
    kind: str,
    title: str,
    body: str,
    show_names: bool = False,
    inspections: Sequence[Inspection] = (),
    accountability: Sequence[AccountabilityRecord] = (),
    tickets: Sequence[Ticket] = (),
) -> Bulletin:
    """The drafter edits its draft (a reviewed bulletin is no longer edited: withdraw it and draft anew)."""
    if kind not in Kind.values:
        raise BulletinError(gettext("请选择通报类别"))
    inspections, accountability, tickets = list(inspections), list(accountability), list(tickets)
    with transaction.atomic():
        bulletin = _locked(bulletin_id)
        user = _require_inspector(actor, bulletin.district_id, gettext("修改通报"))
        _state_allows(bulletin, {State.DRAFTED}, gettext("修改"))
        if bulletin.drafted_by_id != user.pk:
            raise BulletinError(gettext("只有起草人可以修改草稿"))
        _links(bulletin.district_id, inspections, accountability, tickets)
        _content(bulletin.district_id, title, body, show_names, inspections, accountability, tickets)
        before = _snapshot(bulletin)
        bulletin.kind, bulletin.title, bulletin.body = kind, title.strip(), body.strip()
        bulletin.show_names = show_names
        bulletin.save()
        bulletin.inspections.set(inspections)
        bulletin.accountability.set(accountability)
        bulletin.tickets.set(tickets)
        audit_record(
            actor=actor, action="bulletin.update", obj=bulletin, before=before, after=_snapshot(bulletin)
        )
    return bulletin


def _recheck(bulletin: Bulletin) -> None:
    """The content rules again, on the stored bulletin and its links as they are now."""
    _content(
        bulletin.district_id,
        bulletin.title,
        bulletin.body,
        bulletin.show_names,
        bulletin.inspections.all(),
        bulletin.accountability.select_related("staff"),
        bulletin.tickets.select_related("staff"),
    )


def bulletin_review(*, actor: Actor, bulletin_id: int) -> Bulletin:
    """A second inspector — never the drafter — approves the draft for publication (four eyes)."""
    with transaction.atomic():
        bulletin = _locked(bulletin_id)
        user = _require_inspector(actor, bulletin.district_id, gettext("审核通报"))
        _state_allows(bulletin, {State.DRAFTED}, gettext("审核"))
        if bulletin.drafted_by_id == user.pk:
            raise BulletinError(gettext("通报须由起草人以外的另一名纪检监察人员审核"))
        _recheck(bulletin)
        before = bulletin.state
        bulletin.state = State.REVIEWED
        bulletin.reviewed_by, bulletin.reviewed_at = user, timezone.now()
        bulletin.save()
        audit_record(
            actor=actor,
            action="bulletin.review",
            obj=bulletin,
            before={"state": before},
            after={"state": bulletin.state},
        )
    return bulletin


def bulletin_publish(*, actor: Actor, bulletin_id: int) -> Bulletin:
    """An inspector publishes a reviewed bulletin: from now on it is on the public page."""
    with transaction.atomic():
        bulletin = _locked(bulletin_id)
        user = _require_inspector(actor, bulletin.district_id, gettext("发布通报"))
        _state_allows(bulletin, {State.REVIEWED}, gettext("发布"))
        _recheck(bulletin)
        before = bulletin.state
        bulletin.state = State.PUBLISHED
        bulletin.published_by, bulletin.published_at = user, timezone.now()
        bulletin.save()
        audit_record(
            actor=actor,
            action="bulletin.publish",
            obj=bulletin,
            before={"state": before},
            after={"state": bulletin.state, "show_names": bulletin.show_names},
        )
    return bulletin


def bulletin_withdraw(*, actor: Actor, bulletin_id: int, reason: str) -> Bulletin:
    """An inspector withdraws a bulletin (published or not yet): it leaves the public page at once."""
    reason = reason.strip()
    if not reason:
        raise BulletinError(gettext("请填写撤回理由"))
    with transaction.atomic():
        bulletin = _locked(bulletin_id)
        user = _require_inspector(actor, bulletin.district_id, gettext("撤回通报"))
        _state_allows(bulletin, {State.DRAFTED, State.REVIEWED, State.PUBLISHED}, gettext("撤回"))
        before = bulletin.state
        bulletin.state = State.WITHDRAWN
        bulletin.withdrawn_by, bulletin.withdrawn_at = user, timezone.now()
        bulletin.withdraw_reason = reason[:5000]
        bulletin.save()
        audit_record(
            actor=actor,
            action="bulletin.withdraw",
            obj=bulletin,
            before={"state": before},
            after={"state": bulletin.state, "reason": bulletin.withdraw_reason},
        )
    return bulletin
