from django.urls import path

from . import views

app_name = "credentials"

urlpatterns = [
    path("account/certificates/", views.certificates, name="certificates"),
    path("account/certificates/<str:serial>.pdf", views.certificate_download, name="certificate_pdf"),
    # Short, for the QR code and for typing from paper.
    path("c/<str:serial>/", views.certificate_check, name="check"),
]
