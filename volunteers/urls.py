from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .eligibility import views as eligibility_views

app_name = "volunteers"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/code/", views.code_login, name="code_login"),
    path("login/code/verify/", views.code_login_verify, name="code_login_verify"),
    path("signup/", views.signup, name="signup"),
    path("signup/verify/", views.signup_verify, name="signup_verify"),
    path("signup/email/", views.signup_email, name="signup_email"),
    path("profile/", views.profile, name="profile"),
    path("qualifications/", eligibility_views.qualifications, name="qualifications"),
    path("guardian-consent/", eligibility_views.guardian_consent, name="guardian_consent"),
    path("", views.account, name="account"),
    path("ngo/", include("volunteers.ngos.urls")),
]
