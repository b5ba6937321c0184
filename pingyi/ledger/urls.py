from django.urls import path

from pingyi.ledger import views

app_name = "ledger"

urlpatterns = [
    path("", views.record_list, name="record_list"),
    path("new/", views.record_new, name="record_new"),
    path("import/", views.record_import, name="record_import"),
    path("<int:pk>/", views.record_detail, name="record_detail"),
]
