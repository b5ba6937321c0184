from django.urls import path, re_path

from pingyi.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/retry/", views.report_retry_view, name="report_retry"),
    re_path(r"^(?P<pk>[0-9]+)/report\.(?P<fmt>xlsx|pdf)$", views.report_file, name="report_file"),
    re_path(
        r"^export/ratings-(?P<by>[a-z]+)\.(?P<fmt>csv|xlsx)$", views.ratings_export, name="ratings_export"
    ),
    re_path(r"^export/(?P<table>[a-z-]+)\.(?P<fmt>csv|xlsx)$", views.table_export, name="table_export"),
]
