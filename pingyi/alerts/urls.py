from django.urls import path

from pingyi.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="alert_list"),
    path("<int:pk>/", views.alert_detail, name="alert_detail"),
    path("<int:pk>/action/", views.alert_action, name="alert_action"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/new/", views.rule_create_view, name="rule_create"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("subscriptions/<int:pk>/delete/", views.subscription_delete, name="subscription_delete"),
]
