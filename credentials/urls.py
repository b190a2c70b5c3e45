from django.urls import path

from . import badge_views, views

app_name = "credentials"

urlpatterns = [
    path("account/certificates/", views.certificates, name="certificates"),
    path("account/certificates/<str:serial>.pdf", views.certificate_download, name="certificate_pdf"),
    path("account/my-data/", views.my_data, name="my_data"),
    path("account/delete/", views.account_delete, name="account_delete"),
    path("account/my-data/<int:export_id>/hamyar-data.zip", views.my_data_download, name="my_data_download"),
    path("account/open-badges/", badge_views.badge_credentials, name="badge_credentials"),
    path("account/open-badges/issue/", badge_views.badge_credential_issue, name="badge_credential_issue"),
    path(
        "account/open-badges/<uuid:public_id>.jwt",
        badge_views.badge_credential_download,
        name="badge_credential_download",
    ),
    path("credentials/issuer", badge_views.issuer_profile, name="ob_issuer"),
    path("credentials/key", badge_views.public_key, name="ob_key"),
    path("credentials/status", badge_views.status_list, name="ob_status"),
    path("credentials/achievements/<slug:name>", badge_views.achievement, name="ob_achievement"),
    # Short, for the QR code and for typing from paper.
    path("c/<str:serial>/", views.certificate_check, name="check"),
]
