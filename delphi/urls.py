from django.urls import path

from . import views

app_name = "delphi"

urlpatterns = [
    path("q/<str:token>/", views.questionnaire, name="questionnaire"),
]
