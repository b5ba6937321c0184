"""Reads of bulletins for the public: only published ones, and of their linked records only what may be public.

A linked record is shown as one line of facts (unit, kind of check, sanction, verdict, dates). People appear only
in accountability lines, by surname + 某 (龙某) unless the bulletin was published to show names. Nothing else about a
person ever leaves here: no phone, no tracking code, no citizen's words, no inspector's name.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from pingyi.accountability.models import AccountabilityRecord
from pingyi.disclosure.models import Bulletin, State
from pingyi.inspections.models import Inspection
from pingyi.tickets.models import Ticket

COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "令狐",
)


def masked_name(name: str) -> str:
    """The way bulletins name a person without naming them: the surname and 某 (龙强 → 龙某)."""
    name = name.strip()
    if not name:
        return "某"
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]
    return f"{surname}某"


@dataclass(frozen=True)
class PublicBulletin:
    pk: int
    district_code: str
    kind: str
    title: str
    body: str
    published_on: str
    lines: list[str]


def published_bulletins(district_id: int) -> QuerySet[Bulletin]:
    """The district's published bulletins, newest first (withdrawn ones are gone)."""
    return Bulletin.objects.filter(district_id=district_id, state=State.PUBLISHED).order_by(
        "-published_at", "-id"
    )


def _with_links(qs: QuerySet[Bulletin]) -> QuerySet[Bulletin]:
    return qs.select_related("district").prefetch_related(
        Prefetch(
            "inspections",
            Inspection.objects.select_related("unit").annotate(
                problems=Count("findings", filter=Q(findings__confirmed=True))
            ),
        ),
        Prefetch("accountability", AccountabilityRecord.objects.select_related("unit", "sanction")),
        Prefetch("tickets", Ticket.objects.select_related("unit", "window")),
    )


def _lines(bulletin: Bulletin) -> list[str]:
    lines = []
    for inspection in bulletin.inspections.all():
        problems = getattr(inspection, "problems", 0)
        lines.append(
            f"监督检查 · {inspection.unit.name} · {inspection.get_kind_display()}"
            f"{f' · {inspection.started_on:%Y-%m-%d}' if inspection.started_on else ''} · 查实问题 {problems} 个"
        )
    for record in bulletin.accountability.all():
        person = record.person_name if bulletin.show_names else masked_name(record.person_name)
        title = f"{record.person_title}" if record.person_title else ""
        lines.append(
            f"问责处理 · {record.unit.name} {title}{person} · {record.sanction.name} · {record.decided_on:%Y-%m-%d}"
        )
    for ticket in bulletin.tickets.all():
        place = f"{ticket.unit.name}{f' {ticket.window.name}' if ticket.window is not None else ''}"
        verdict = ticket.get_verdict_display() or "核实中"
        revoked = "（差评经复核撤销）" if ticket.revoked else ""
        lines.append(
            f"差评工单 · {place} · {timezone.localtime(ticket.opened_at):%Y-%m-%d} · {verdict}{revoked} · {ticket.get_state_display()}"
        )
    return lines


def public_view(bulletin: Bulletin) -> PublicBulletin:
    return PublicBulletin(
        pk=bulletin.pk,
        district_code=bulletin.district.code,
        kind=str(bulletin.get_kind_display()),
        title=bulletin.title,
        body=bulletin.body,
        published_on=f"{timezone.localtime(bulletin.published_at):%Y-%m-%d}" if bulletin.published_at else "",
        lines=_lines(bulletin),
    )


def public_bulletins(district_id: int, limit: int | None = None) -> list[PublicBulletin]:
    qs = _with_links(published_bulletins(district_id))
    return [public_view(b) for b in (qs[:limit] if limit else qs)]


def public_bulletin(pk: int) -> PublicBulletin | None:
    bulletin = _with_links(Bulletin.objects.filter(pk=pk, state=State.PUBLISHED)).first()
    return public_view(bulletin) if bulletin else None
