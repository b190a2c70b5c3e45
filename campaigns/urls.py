from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.service_index, name="service_index"),
    path("<slug:slug>/", views.service_detail, name="service_detail"),
]
