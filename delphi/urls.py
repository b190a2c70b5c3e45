from django.urls import path

from . import views

app_name = "delphi"

urlpatterns = [
    path("", views.study_list, name="study_list"),
    path("studies/<int:study_id>/", views.study_detail, name="study"),
    path("studies/<int:study_id>/figures.csv", views.study_csv, name="study_csv"),
    path("studies/<int:study_id>/report.pdf", views.study_pdf, name="study_pdf"),
    path("q/<str:token>/", views.questionnaire, name="questionnaire"),
]
