from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "volunteers/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def account(request):
    return render(request, "volunteers/account.html")
