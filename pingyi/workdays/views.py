"""Inspectors' page for the calendar: the years known, the gaps, and entering a year's notice."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from pingyi.accounts.roles import signed_in
from pingyi.accounts.scopes import can_edit, can_view
from pingyi.workdays import days
from pingyi.workdays.forms import NoticeForm
from pingyi.workdays.models import CalendarGap, HolidayNotice
from pingyi.workdays.notice_text import schedule_text
from pingyi.workdays.services import holiday_notice_save


@login_required
def calendar_home(request: HttpRequest) -> HttpResponse:
    if not can_view(request.user, HolidayNotice):
        raise Http404
    year = timezone.localdate().year
    years = [{"year": y, "known": days.is_known(y)} for y in range(year - 1, year + 2)]
    answer = None
    if request.GET.get("start") and request.GET.get("n"):
        try:
            start, n = date.fromisoformat(request.GET["start"]), int(request.GET["n"])
            answer = {"start": start, "n": n, "due": days.add_working_days(start, n) if n >= 0 else None}
        except ValueError:
            answer = {"error": "请输入有效的日期和非负的工作日数"}
        except days.UnknownYear as exc:
            answer = {"error": str(exc)}
    context = {
        "years": years,
        "notices": HolidayNotice.objects.all(),
        "gaps": CalendarGap.objects.all(),
        "answer": answer,
        "can_edit": can_edit(request.user, HolidayNotice),
    }
    return render(request, "workdays/calendar.html", context)


@login_required
def notice_edit(request: HttpRequest, year: int | None = None) -> HttpResponse:
    if not can_edit(request.user, HolidayNotice):
        raise Http404
    notice = HolidayNotice.objects.filter(year=year).first() if year else None
    if year and notice is None:
        raise Http404
    if request.method == "POST":
        form = NoticeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            holiday_notice_save(
                actor=signed_in(request),
                year=data["year"],
                title=data["title"],
                url=data["url"],
                text=data["text"],
            )
            return redirect("workdays:calendar")
    elif notice is not None:
        text = schedule_text(list(notice.days.values_list("day", "kind", "name")))
        form = NoticeForm(
            initial={"year": notice.year, "title": notice.title, "url": notice.url, "text": text}
        )
    else:
        form = NoticeForm(initial={"year": timezone.localdate().year + 1})
    return render(request, "workdays/notice_form.html", {"form": form, "notice": notice})
