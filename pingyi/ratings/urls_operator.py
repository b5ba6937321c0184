"""Back-office pages for hotline / message-board / mayor's-line operators and window devices.

The SMS gateway's inbound webhook lives here too (/operator/sms/inbound): no login, a shared secret header.
"""

from __future__ import annotations

from django.urls import path

from pingyi.ratings import views_operator
from pingyi.sms import views as sms_views

app_name = "operator"
urlpatterns = [
    path("ratings/", views_operator.rating_list, name="rating_list"),
    path("ratings/new/", views_operator.rating_create, name="rating_create"),
    path("devices/", views_operator.device_list, name="device_list"),
    path("devices/new/", views_operator.device_create, name="device_create"),
    path("devices/<int:pk>/deactivate/", views_operator.device_deactivate_view, name="device_deactivate"),
    path("sms/inbound", sms_views.inbound, name="sms_inbound"),
]
