"""The back-office ticket pages under /tickets/ (the accountability pages share the prefix: accountability.urls)."""

from __future__ import annotations

from django.urls import path

from pingyi.tickets.web import tickets as views

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list, name="ticket_list"),
    path("new/", views.ticket_create, name="ticket_create"),
    path("<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("<int:pk>/call/", views.ticket_call, name="ticket_call"),
    path("<int:pk>/phone/", views.ticket_phone, name="ticket_phone"),
    path("<int:pk>/files/<int:file_id>/", views.ticket_file, name="ticket_file"),
    path("<int:pk>/supervision.<str:fmt>", views.supervision_document, name="supervision_document"),
]
