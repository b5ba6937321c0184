"""Generic back-office views (after NetBox): list with search, filters and paging; detail; create and edit.

Every queryset goes through ``restrict``; writes go through the catalogue service. A view class declares the model,
its columns and its form; the templates are shared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from pingyi.accounts.roles import signed_in
from pingyi.accounts.scopes import can_edit, can_view, restrict
from pingyi.catalog.services import catalog_object_save


@dataclass(frozen=True)
class Col:
    label: Any
    value: Callable[[Any], Any]
    link: bool = False


@dataclass(frozen=True)
class Filter:
    param: str
    label: Any
    lookup: str
    choices: Callable[[Any], models.QuerySet]  # user -> queryset of choice objects (scoped)


class ScopedView(LoginRequiredMixin, View):
    model: type[models.Model]
    url_prefix: str  # e.g. "catalog:unit"

    def base_queryset(self) -> models.QuerySet:
        return self.model._default_manager.all()

    def scoped(self) -> models.QuerySet:
        if not can_view(self.request.user, self.model):
            raise Http404
        return restrict(self.base_queryset(), self.request.user)

    def get_object(self, pk: int) -> models.Model:
        return get_object_or_404(self.scoped(), pk=pk)

    def common(self) -> dict[str, Any]:
        return {
            "verbose_name": self.model._meta.verbose_name,
            "verbose_name_plural": self.model._meta.verbose_name_plural,
            "url_prefix": self.url_prefix,
            "can_edit": can_edit(self.request.user, self.model),
        }


class ObjectListView(ScopedView):
    columns: list[Col] = []
    search_fields: list[str] = []
    filters: list[Filter] = []
    per_page = 50

    def get(self, request: HttpRequest) -> HttpResponse:
        queryset = self.scoped()
        query = request.GET.get("q", "").strip()
        if query and self.search_fields:
            condition = Q()
            for name in self.search_fields:
                condition |= Q(**{f"{name}__icontains": query})
            queryset = queryset.filter(condition)
        active_filters = []
        for spec in self.filters:
            choices = restrict(spec.choices(request.user), request.user)
            value = request.GET.get(spec.param, "")
            if value.isdigit():
                queryset = queryset.filter(**{spec.lookup: int(value)})
            active_filters.append({"spec": spec, "choices": choices, "value": value})
        page = Paginator(queryset, self.per_page).get_page(request.GET.get("page"))
        rows = [
            {"obj": obj, "cells": [{"value": col.value(obj), "link": col.link} for col in self.columns]}
            for obj in page.object_list
        ]
        params = request.GET.copy()
        params.pop("page", None)
        context = {
            **self.common(),
            "columns": self.columns,
            "rows": rows,
            "page": page,
            "query": query,
            "filters": active_filters,
            "querystring": params.urlencode(),
            "total": page.paginator.count,
        }
        return render(request, "web/object_list.html", context)


class ObjectDetailView(ScopedView):
    template_name = "web/object_detail.html"

    def fields(self, obj: Any) -> list[tuple[Any, Any]]:
        return [
            (
                field.verbose_name,
                getattr(obj, f"get_{field.name}_display", lambda f=field: getattr(obj, f.name))(),
            )
            for field in obj._meta.concrete_fields
            if not field.name.startswith("phone_") and field.name != "id"
        ]

    def related(self, obj: Any) -> list[dict[str, Any]]:
        """Related tables shown below the fields: [{"title", "url_prefix", "rows": [(obj, [cells])]}]."""
        return []

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.get_object(pk)
        context = {**self.common(), "object": obj, "fields": self.fields(obj), "related": self.related(obj)}
        return render(request, self.template_name, context)


class ObjectEditView(ScopedView):
    form_class: type

    def _form(self, obj: models.Model | None, data: Any = None) -> Any:
        form = self.form_class(data=data, instance=obj, user=self.request.user)
        if obj is None:
            for name, field in form.fields.items():
                queryset = getattr(field, "queryset", None)
                if queryset is not None and name == "district" and queryset.count() == 1:
                    field.initial = queryset.first()
        return form

    def _check(self) -> None:
        if not can_edit(self.request.user, self.model):
            raise PermissionDenied

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        self._check()
        obj = self.get_object(pk) if pk else None
        return render(
            request, "web/object_form.html", {**self.common(), "form": self._form(obj), "object": obj}
        )

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        self._check()
        obj = self.get_object(pk) if pk else None
        form = self._form(obj, request.POST)
        if form.is_valid():
            try:
                saved = catalog_object_save(
                    actor=signed_in(request), instance=form.instance, **form.service_kwargs()
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已保存：%(obj)s") % {"obj": saved})
                return redirect(reverse(f"{self.url_prefix}_detail", args=[saved.pk]))
        return render(
            request, "web/object_form.html", {**self.common(), "form": form, "object": obj}, status=400
        )
