"""Forms of the account pages. They check the shape of what people type; the rules live in services."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from city.models import District
from core.localization import is_persian, persian_digits

from . import services
from .auth import client_ip
from .dates import date_parse, jalali_text
from .errors import InvalidCredentials, ProfileInvalid, TooManyAttempts
from .models import Skill, User
from .phone import normalize_mobile

PHONE_WIDGET_ATTRS = {
    "autocomplete": "tel",
    "inputmode": "tel",
    "dir": "ltr",
    "placeholder": "09xxxxxxxxx",
}


class LoginForm(AuthenticationForm):
    """Logging in with a password, with failed attempts limited like the API's (`services.password_login`)."""

    username = forms.CharField(
        label=_("Mobile number, e-mail or username"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "dir": "ltr"}),
    )
    error_messages = {
        "invalid_login": _("The mobile number, e-mail or password is not right. Check them and try again."),
        "inactive": _("This account is not active."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = services.password_login(
                    identifier=username,
                    password=password,
                    client_ip=client_ip(self.request) if self.request else "unknown",
                    request=self.request,
                )
            except TooManyAttempts as refused:
                raise ValidationError(refused.message, code="too_many_attempts") from None
            except InvalidCredentials:
                raise self.get_invalid_login_error() from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class PhoneForm(forms.Form):
    """A mobile number to send a one-time code to."""

    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=30,
        widget=forms.TextInput(attrs={**PHONE_WIDGET_ATTRS, "autofocus": True}),
    )

    def clean_phone(self) -> str:
        mobile = normalize_mobile(self.cleaned_data["phone"])
        if mobile is None:
            raise ValidationError(_("This is not an Iranian mobile number. Type it as 09xxxxxxxxx."))
        return mobile


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code sent by SMS"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "dir": "ltr", "autofocus": True}
        ),
    )


class PhoneSignupForm(CodeForm):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Password (optional)"),
        required=False,
        strip=False,
        max_length=1024,
        help_text=_("Without a password you log in with a code sent to your mobile."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "dir": "ltr"}),
    )


class EmailSignupForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr", "autofocus": True}),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "dir": "ltr"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "dir": "ltr"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password_again") not in (None, cleaned["password"]):
            self.add_error("password_again", _("The two passwords are not the same."))
        return cleaned


class JalaliDateField(forms.Field):
    """A date typed as Jalali year/month/day (Gregorian works too), in Persian or ASCII digits."""

    widget = forms.TextInput(
        attrs={"dir": "ltr", "autocomplete": "bday", "placeholder": "1370/06/31", "maxlength": 20}
    )

    def prepare_value(self, value):
        if hasattr(value, "isoformat"):  # a date, from the form's initial data
            if not is_persian():
                return value.isoformat()
            return persian_digits(jalali_text(value))
        return value

    def to_python(self, value):
        try:
            return date_parse(str(value or "")[:40])
        except ProfileInvalid as invalid:
            raise ValidationError(invalid.message, code="invalid") from None


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    district = forms.ModelChoiceField(
        label=_("District you live in"),
        queryset=District.objects.order_by("number"),
        required=False,
        empty_label=_("Not given"),
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"),
        queryset=Skill.objects.order_by("name_fa", "slug"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Some calls ask for a skill."),
    )
    date_of_birth = JalaliDateField(
        label=_("Date of birth"),
        required=False,
        # One text, translated differently: Persian readers are told the Persian calendar only.
        help_text=_(
            "Year/month/day in the Persian calendar (1370/06/31) or the Gregorian one (1991-09-22). "
            "Some calls have age limits."
        ),
    )
    emergency_contact_name = forms.CharField(label=_("Emergency contact"), max_length=120, required=False)
    emergency_contact_phone = forms.CharField(
        label=_("Emergency contact's phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel"}),
    )
    photo_consent = forms.BooleanField(
        label=_("Photos of shifts that show me may be published"), required=False
    )
    organiser_messages = forms.BooleanField(
        label=_("Organisers may message me about shifts I signed up for"),
        required=False,
        help_text=_("Confirmations, reminders and changes to your own sign-ups come anyway."),
    )
    cover_calls = forms.BooleanField(
        label=_("Tell me when a place frees up at short notice on a shift I could do"),
        required=False,
        help_text=_("In my district, or of a service I have done before; at most once a shift."),
    )
    leaderboard_visibility = forms.ChoiceField(
        label=_("Show me on leaderboards"),
        choices=User.LeaderboardVisibility.choices,
        widget=forms.RadioSelect,
    )
    leaderboard_pseudonym = forms.CharField(label=_("Pseudonym"), max_length=60, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Language of e-mail and SMS to me"),
        choices=User.Language.choices,
        widget=forms.RadioSelect,
    )

    @classmethod
    def for_user(cls, user: User, data=None) -> "ProfileForm":
        initial = {field: getattr(user, field) for field in services.PROFILE_FIELDS if field != "skills"}
        initial["skills"] = list(user.skills.all())
        return cls(data=data, initial=initial)

    def changes(self) -> dict:
        """What the form changes, as `services.profile_update` takes it."""
        return {field: self.cleaned_data[field] for field in services.PROFILE_FIELDS}
