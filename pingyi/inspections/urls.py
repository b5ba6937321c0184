"""Inspection pages under /inspections/."""

from __future__ import annotations

from django.urls import path

from pingyi.inspections.web import inspections as views
from pingyi.inspections.web import plans

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list, name="inspection_list"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<int:pk>/start/", views.inspection_start, name="inspection_start"),
    path("<int:pk>/findings/", views.finding_create, name="finding_create"),
    path("<int:pk>/findings/<int:finding_id>/confirm/", views.finding_confirm, name="finding_confirm"),
    path("<int:pk>/conclude/", views.findings_conclude, name="findings_conclude"),
    path("<int:pk>/feedback/", views.feedback_send, name="feedback_send"),
    path("<int:pk>/feedback.docx", views.feedback_download, {"fmt": "docx"}, name="feedback_docx"),
    path("<int:pk>/feedback.pdf", views.feedback_download, {"fmt": "pdf"}, name="feedback_pdf"),
    path("<int:pk>/rectification/plan/", views.rectification_plan, name="rectification_plan"),
    path("<int:pk>/rectification/proof/", views.rectification_proof, name="rectification_proof"),
    path("<int:pk>/rectification/verify/", views.rectification_verify, name="rectification_verify"),
    path("<int:pk>/close/", views.inspection_close, name="inspection_close"),
    path("<int:pk>/files/<int:file_id>/", views.attachment_download, name="attachment_download"),
    path("plans/", plans.plan_list, name="plan_list"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/draw/", plans.draw_create, name="draw_create"),
    path("plans/<int:pk>/add/", plans.plan_add_unit, name="plan_add_unit"),
    path("plans/<int:pk>/close/", plans.plan_close_view, name="plan_close"),
    path("draws/<int:pk>/", plans.draw_detail, name="draw_detail"),
    path("from-anomaly/<int:anomaly_id>/", plans.from_anomaly, name="from_anomaly"),
]
