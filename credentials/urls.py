from django.urls import path

from . import views

app_name = "credentials"

urlpatterns = [
    path("account/certificates/", views.certificates, name="certificates"),
    path("account/certificates/<str:serial>.pdf", views.certificate_download, name="certificate_pdf"),
    path("account/my-data/", views.my_data, name="my_data"),
    path("account/delete/", views.account_delete, name="account_delete"),
    path("account/my-data/<int:export_id>/hamyar-data.zip", views.my_data_download, name="my_data_download"),
    # Short, for the QR code and for typing from paper.
    path("c/<str:serial>/", views.certificate_check, name="check"),
]
