from django.urls import path

from pingyi.tickets import views

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list, name="ticket_list"),
    path("new/", views.ticket_create, name="ticket_create"),
    path("<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("<int:pk>/call/", views.ticket_call, name="ticket_call"),
    path("<int:pk>/phone/", views.ticket_phone, name="ticket_phone"),
]
