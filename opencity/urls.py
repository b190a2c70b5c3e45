from django.urls import path

from . import views

app_name = "opencity"

urlpatterns = [
    path("", views.open_city, name="page"),
    path("data/dictionary.json", views.data_dictionary, name="dictionary"),
    path("photos/<int:photo_id>.jpg", views.public_photo, name="photo"),
    path("data/<str:name>.<str:extension>", views.dataset_download, name="download"),
    path(
        "data/<str:name>/<int:year>-<int:month>.<str:extension>",
        views.dataset_month_download,
        name="download_month",
    ),
]
