from django.urls import path

from pingyi.workdays import views

app_name = "workdays"

urlpatterns = [
    path("", views.calendar_home, name="calendar"),
    path("notices/new/", views.notice_edit, name="notice_create"),
    path("notices/<int:year>/", views.notice_edit, name="notice_edit"),
]
