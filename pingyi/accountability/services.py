"""Accountability decisions, 纪检监察建议书 and mechanisms: each justified by tickets or inspection findings.

Each write is one transaction and one audit entry (actions ``accountability.record``, ``suggestion.issue``,
``mechanism.record``). Refusals raise ``AccountabilityError`` with a message in Chinese for the person who acted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from pingyi.accountability.models import AccountabilityRecord, Mechanism, SanctionType, Suggestion
from pingyi.accounts.roles import Actor, is_inspector, is_unit_admin, person
from pingyi.audit.services import audit_record
from pingyi.inspections.models import Finding
from pingyi.tickets.choices import Verdict
from pingyi.tickets.models import Ticket

# The audit entries keep the object types they had while these models lived in tickets, so that the history of one
# kind of record (and the audit page's filter) stays one type across the upgrade.
AUDIT_TYPES = {
    AccountabilityRecord: "tickets.accountabilityrecord",
    Suggestion: "tickets.suggestion",
    Mechanism: "tickets.mechanism",
}


class AccountabilityError(Exception):
    """A refused decision, suggestion or mechanism; ``str(error)`` is the Chinese message to show."""


def _basis(unit: Any, tickets: list[Ticket], findings: list[Finding]) -> None:
    """The grounds must be about this unit: tickets found true (not revoked), findings confirmed."""
    for ticket in tickets:
        if ticket.unit_id != unit.pk:
            raise AccountabilityError(
                gettext("工单 %(code)s 不属于%(unit)s") % {"code": ticket.tracking_code, "unit": unit.name}
            )
        if ticket.revoked or ticket.verdict not in (Verdict.TRUE, Verdict.PARTLY):
            raise AccountabilityError(
                gettext("工单 %(code)s 未经核实属实，不能作为依据") % {"code": ticket.tracking_code}
            )
    for finding in findings:
        if finding.inspection.unit_id != unit.pk:
            raise AccountabilityError(
                gettext("检查发现 #%(id)s 不属于%(unit)s") % {"id": finding.pk, "unit": unit.name}
            )
        if not finding.confirmed:
            raise AccountabilityError(gettext("检查发现 #%(id)s 尚未查实，不能作为依据") % {"id": finding.pk})


def accountability_record(
    *,
    actor: Actor,
    unit: Any,
    person_name: str,
    sanction: SanctionType,
    reason: str,
    decided_on: date,
    tickets: Sequence[Ticket] = (),
    findings: Sequence[Finding] = (),
    staff: Any = None,
    person_title: str = "",
    document_no: str = "",
) -> AccountabilityRecord:
    """An inspector records a 问责 decision about a person, grounded in true tickets or confirmed findings."""
    user = person(actor)
    if user is None or not is_inspector(user, unit.district_id):
        raise AccountabilityError(gettext("只有纪检监察人员可以作出问责处理"))
    tickets, findings = list(tickets), list(findings)
    if not tickets and not findings:
        raise AccountabilityError(gettext("问责须关联至少一个属实的工单或查实的检查发现"))
    if not person_name.strip() or not reason.strip():
        raise AccountabilityError(gettext("请填写被问责人姓名和问责事由"))
    if staff is not None and staff.unit_id != unit.pk:
        raise AccountabilityError(gettext("该工作人员不属于所选单位"))
    if decided_on > timezone.localdate():
        raise AccountabilityError(gettext("决定日期不能晚于今天"))
    _basis(unit, tickets, findings)
    with transaction.atomic():
        record = AccountabilityRecord.objects.create(
            district_id=unit.district_id,
            unit=unit,
            staff=staff,
            person_name=person_name.strip()[:50],
            person_title=person_title.strip()[:100],
            sanction=sanction,
            reason=reason.strip(),
            document_no=document_no.strip()[:60],
            decided_on=decided_on,
            decided_by=user,
        )
        record.tickets.set(tickets)
        record.findings.set(findings)
        audit_record(
            actor=actor,
            action="accountability.record",
            obj=record,
            object_type=AUDIT_TYPES[AccountabilityRecord],
            after={
                "person": record.person_name,
                "sanction": sanction.code,
                "tickets": [t.pk for t in tickets],
                "findings": [f.pk for f in findings],
            },
        )
    return record


def suggestion_issue(
    *,
    actor: Actor,
    unit: Any,
    number: str,
    issues: str,
    suggestions: str,
    reply_by: date,
    tickets: Sequence[Ticket] = (),
    findings: Sequence[Finding] = (),
) -> Suggestion:
    """An inspector issues a 纪检监察建议书 to a unit (its Word and PDF come from ``letter.py``)."""
    user = person(actor)
    if user is None or not is_inspector(user, unit.district_id):
        raise AccountabilityError(gettext("只有纪检监察人员可以发出监察建议书"))
    tickets, findings = list(tickets), list(findings)
    if not tickets and not findings:
        raise AccountabilityError(gettext("监察建议须关联至少一个属实的工单或查实的检查发现"))
    if not number.strip() or not issues.strip() or not suggestions.strip():
        raise AccountabilityError(gettext("请填写文号、存在问题和监察建议"))
    today = timezone.localdate()
    if reply_by <= today:
        raise AccountabilityError(gettext("反馈期限应晚于今天"))
    _basis(unit, tickets, findings)
    try:
        with transaction.atomic():
            suggestion = Suggestion.objects.create(
                district_id=unit.district_id,
                unit=unit,
                number=number.strip()[:60],
                issues=issues.strip(),
                suggestions=suggestions.strip(),
                reply_by=reply_by,
                issued_on=today,
                issued_by=user,
            )
            suggestion.tickets.set(tickets)
            suggestion.findings.set(findings)
            audit_record(
                actor=actor,
                action="suggestion.issue",
                obj=suggestion,
                object_type=AUDIT_TYPES[Suggestion],
                after={"number": suggestion.number},
            )
    except IntegrityError:
        raise AccountabilityError(gettext("文号 %(number)s 已被使用") % {"number": number.strip()}) from None
    return suggestion


def mechanism_record(
    *,
    actor: Actor,
    unit: Any,
    title: str,
    description: str,
    adopted_on: date,
    suggestion: Suggestion | None = None,
    tickets: Sequence[Ticket] = (),
    findings: Sequence[Finding] = (),
) -> Mechanism:
    """A unit (its admin) or an inspector records a rule the unit built, and what prompted it."""
    user = person(actor)
    if user is None or not (is_unit_admin(user, unit) or is_inspector(user, unit.district_id)):
        raise AccountabilityError(gettext("只有本单位管理员或纪检监察人员可以登记制度机制"))
    if not title.strip() or not description.strip():
        raise AccountabilityError(gettext("请填写名称和主要内容"))
    if suggestion is not None and suggestion.unit_id != unit.pk:
        raise AccountabilityError(gettext("该建议书不是发给本单位的"))
    tickets, findings = list(tickets), list(findings)
    for ticket in tickets:
        if ticket.unit_id != unit.pk:
            raise AccountabilityError(
                gettext("工单 %(code)s 不属于%(unit)s") % {"code": ticket.tracking_code, "unit": unit.name}
            )
    with transaction.atomic():
        mechanism = Mechanism.objects.create(
            district_id=unit.district_id,
            unit=unit,
            title=title.strip()[:200],
            description=description.strip(),
            adopted_on=adopted_on,
            recorded_by=user,
            suggestion=suggestion,
        )
        mechanism.tickets.set(tickets)
        mechanism.findings.set(findings)
        audit_record(
            actor=actor,
            action="mechanism.record",
            obj=mechanism,
            object_type=AUDIT_TYPES[Mechanism],
            after={"title": mechanism.title},
        )
    return mechanism
