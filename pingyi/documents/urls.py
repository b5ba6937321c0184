"""The 文书模板 pages, mounted at /inspections/templates/ (the path they had before the documents app)."""

from __future__ import annotations

from django.urls import path

from pingyi.documents.web import templates

app_name = "documents"

urlpatterns = [
    path("", templates.template_list, name="template_list"),
    path("activate/", templates.template_activate, name="template_activate"),
    path("<int:version>.docx", templates.template_download, name="template_download"),
]
