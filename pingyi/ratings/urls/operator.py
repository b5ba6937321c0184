"""Back-office pages for hotline / message-board / mayor's-line operators and window devices (/operator/).

The SMS gateway's webhook under the same prefix is the sms app's own URLconf (``pingyi.sms.urls``)."""

from __future__ import annotations

from django.urls import path

from pingyi.ratings.channels.operator import views as views_operator

app_name = "operator"
urlpatterns = [
    path("ratings/", views_operator.rating_list, name="rating_list"),
    path("ratings/new/", views_operator.rating_create, name="rating_create"),
    path("devices/", views_operator.device_list, name="device_list"),
    path("devices/new/", views_operator.device_create, name="device_create"),
    path("devices/<int:pk>/deactivate/", views_operator.device_deactivate_view, name="device_deactivate"),
]
