"""Account pages: log in (password or a code by SMS), sign up (mobile or e-mail), and the profile.

Sign-up and code log-in take two steps; the number between them is kept in the session, not in the URL,
so it appears in no server log. A `next` address (checked to stay on this site) carries through both
steps, so that someone can sign up from a call's page and land back on it.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from core.errors import DomainError
from core.localization import localize_digits

from . import selectors, services
from .auth import client_ip
from .forms import CodeForm, EmailSignupForm, LoginForm, PhoneForm, PhoneSignupForm, ProfileForm
from .models import OneTimeCode

AUTH_BACKEND = "volunteers.backends.PhoneEmailOrUsernameBackend"
SIGNUP_PHONE_SESSION_KEY = "volunteers_signup_phone"
LOGIN_PHONE_SESSION_KEY = "volunteers_code_login_phone"


class LoginView(auth_views.LoginView):
    template_name = "volunteers/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def _next_url(request) -> str:
    """The `next` address from the form or the query, when it stays on this site; else empty."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _add_domain_error(form, error: DomainError) -> None:
    field = (error.details or {}).get("field") if isinstance(error.details, dict) else None
    form.add_error(field if field in form.fields else None, str(error.message))


def _log_in(request, user, *, default: str):
    login(request, user, backend=AUTH_BACKEND)
    return redirect(_next_url(request) or default)


def _send_code(request, form: PhoneForm, *, purpose: str) -> bool:
    try:
        services.one_time_code_send(
            phone=form.cleaned_data["phone"],
            purpose=purpose,
            client_ip=client_ip(request),
            language=get_language(),
        )
    except DomainError as error:
        _add_domain_error(form, error)
        return False
    return True


def _phone_step(request, *, purpose: str, session_key: str, template: str, verify_url_name: str):
    """First step of sign-up and code log-in: a mobile number, to which a code is sent."""
    next_url = _next_url(request)
    if request.user.is_authenticated:
        return redirect(next_url or reverse("volunteers:account"))
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _send_code(request, form, purpose=purpose):
        request.session[session_key] = form.cleaned_data["phone"]
        sent_to = localize_digits(form.cleaned_data["phone"])
        messages.success(request, _("We sent a code by SMS to %(phone)s.") % {"phone": sent_to})
        return redirect(_with_next(reverse(verify_url_name), next_url))
    return render(request, template, {"form": form, "next": next_url})


def signup(request):
    return _phone_step(
        request,
        purpose=OneTimeCode.Purpose.SIGNUP,
        session_key=SIGNUP_PHONE_SESSION_KEY,
        template="volunteers/signup.html",
        verify_url_name="volunteers:signup_verify",
    )


@sensitive_post_parameters("code", "password")
def signup_verify(request):
    next_url = _next_url(request)
    phone = request.session.get(SIGNUP_PHONE_SESSION_KEY)
    if not phone:
        return redirect(_with_next(reverse("volunteers:signup"), next_url))
    form = PhoneSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_signup_with_phone(
                phone=phone,
                code=form.cleaned_data["code"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password"] or None,
                client_ip=client_ip(request),
                language=get_language(),
            )
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            del request.session[SIGNUP_PHONE_SESSION_KEY]
            messages.success(request, _("Welcome to Hamyar! Your account is ready."))
            return _log_in(request, user, default=reverse("volunteers:profile"))
    context = {"form": form, "next": next_url, "phone": phone, "resend_url": reverse("volunteers:signup")}
    return render(request, "volunteers/signup_verify.html", context)


@sensitive_post_parameters("password", "password_again")
def signup_email(request):
    next_url = _next_url(request)
    if request.user.is_authenticated:
        return redirect(next_url or reverse("volunteers:account"))
    form = EmailSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_signup_with_email(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                language=get_language(),
            )
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            messages.success(request, _("Welcome to Hamyar! Your account is ready."))
            return _log_in(request, user, default=reverse("volunteers:profile"))
    return render(request, "volunteers/signup_email.html", {"form": form, "next": next_url})


def code_login(request):
    return _phone_step(
        request,
        purpose=OneTimeCode.Purpose.LOGIN,
        session_key=LOGIN_PHONE_SESSION_KEY,
        template="volunteers/code_login.html",
        verify_url_name="volunteers:code_login_verify",
    )


@sensitive_post_parameters("code")
def code_login_verify(request):
    next_url = _next_url(request)
    phone = request.session.get(LOGIN_PHONE_SESSION_KEY)
    if not phone:
        return redirect(_with_next(reverse("volunteers:code_login"), next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.code_login(
                phone=phone, code=form.cleaned_data["code"], client_ip=client_ip(request)
            )
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            del request.session[LOGIN_PHONE_SESSION_KEY]
            return _log_in(request, user, default=reverse("volunteers:account"))
    context = {"form": form, "next": next_url, "phone": phone, "resend_url": reverse("volunteers:code_login")}
    return render(request, "volunteers/code_login_verify.html", context)


@login_required
def account(request):
    return render(request, "volunteers/account.html")


@login_required
def profile(request):
    user = selectors.me_get(user=request.user)
    form = ProfileForm.for_user(user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=user, changes=form.changes())
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("volunteers:profile")
    return render(request, "volunteers/profile.html", {"form": form, "profile_user": user})
