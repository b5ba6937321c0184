"""The SMS gateway's inbound webhook, mounted at /operator/sms/inbound: no login, a shared secret header."""

from __future__ import annotations

from django.urls import path

from pingyi.sms import views

app_name = "sms"
urlpatterns = [path("inbound", views.inbound, name="inbound")]
