"""The public filter form of the open-calls listing.

People type in whatever their keyboard gives them: Persian or Arabic-Indic digits, Jalali dates such as
۱۴۰۵/۰۹/۰۱ or ISO dates such as 2026-11-22. The form reads all of them back as plain values and turns them
into the selector's `CallFilters`.
"""

import datetime
import re

import jdatetime
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.dates import WEEKDAYS
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.localization import ascii_digits, format_number, is_persian, persian_digits
from volunteers.forms import JalaliDateField

from . import selectors
from .models import Shift
from .selectors import CallFilters
from .services import ShiftSeries

# Year, month and day separated by "-", "/", "." or the Arabic decimal separator "٫" that Persian keyboards
# put where others have ".".
DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.\u066b]\s*(\d{1,2})\s*[-/.\u066b]\s*(\d{1,2})$")
# Jalali years are in the 1400s now and Gregorian ones in the 2000s: a year below this one is Jalali.
FIRST_GREGORIAN_YEAR = 1700


def _normalised(value):
    return ascii_digits(value).strip() if isinstance(value, str) else value


def _date_example(date: datetime.date) -> str:
    if is_persian():
        jalali = jdatetime.date.fromgregorian(date=date)
        return persian_digits(f"{jalali.year}/{jalali.month:02}/{jalali.day:02}")
    return date.isoformat()


class LocalDateField(forms.Field):
    """A date typed as Jalali (1405/09/01) or Gregorian (2026-11-22), in any digits."""

    widget = forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr", "inputmode": "text", "size": 10})
    default_error_messages = {
        "invalid": _("Enter a date as year/month/day, for example 1405/09/01 or 2026-11-22."),
    }

    def to_python(self, value) -> datetime.date | None:
        text = _normalised(value)
        if text in self.empty_values:
            return None
        match = DATE_PATTERN.match(text)
        if not match:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        year, month, day = (int(part) for part in match.groups())
        try:
            if year < FIRST_GREGORIAN_YEAR:
                return jdatetime.date(year, month, day).togregorian()
            return datetime.date(year, month, day)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class LocalIntegerField(forms.IntegerField):
    """An integer in any digits; typed into a text box, since number inputs refuse Persian digits."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 4})

    def to_python(self, value):
        return super().to_python(_normalised(value))


class LocalTypedChoiceField(forms.TypedChoiceField):
    """A choice whose values are numbers, also when they arrive in Persian digits (?district=۳)."""

    def to_python(self, value):
        return super().to_python(_normalised(value))


def _filter_choices() -> dict[str, list]:
    """The choices of CallFilterForm's department, service and district, named in the reader's language;
    made once per language and copy of the catalogue (selectors.catalogue)."""
    kept = selectors.catalogue()
    language = translation.get_language()
    choices = kept.made_from_it.get(("call-filter-choices", language))
    if choices is not None:
        return choices
    services_by_department: dict[str, list[tuple[str, str]]] = {}
    for service in kept.services:
        in_department = services_by_department.setdefault(service.department.name, [])
        in_department.append((service.slug, service.short_name))
    choices = kept.made_from_it[("call-filter-choices", language)] = {
        "department": [
            ("", str(_("All departments"))),
            *((department.slug, department.name) for department in kept.departments),
        ],
        "service": [("", str(_("All services"))), *services_by_department.items()],
        "district": [
            ("", str(_("All districts"))),
            *((str(district.number), district.name) for district in kept.districts),
        ],
    }
    return choices


class CallFilterForm(forms.Form):
    """What a reader narrows the open calls by. Sent with GET, so a filtered listing is a link to share.

    A field with an error is left out of the filters and the other filters still apply: a typo in one
    box never hides the whole listing.
    """

    q = forms.CharField(
        label=_("Search"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "enterkeyhint": "search"}),
    )
    department = forms.ChoiceField(label=_("Department"), required=False)
    service = forms.ChoiceField(label=_("Service"), required=False)
    district = LocalTypedChoiceField(label=_("District"), required=False, coerce=int, empty_value=None)
    date_from = LocalDateField(label=_("From"), required=False)
    date_to = LocalDateField(label=_("Until"), required=False)
    age = LocalIntegerField(
        label=_("Your age"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("Shows only the calls you are old enough to join."),
    )
    has_free_places = forms.BooleanField(label=_("Only calls with free places"), required=False)
    open_to_teams = forms.BooleanField(label=_("Open to NGO teams"), required=False)

    # Fields folded under "More filters"; the search box stays in view.
    folded_field_names = (
        "department", "service", "district", "date_from", "date_to",
        "age", "has_free_places", "open_to_teams",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in _filter_choices().items():
            self.fields[name].choices = choices
        # Today, written the way the reader would type it, shows the expected form of a date.
        for name in ("date_from", "date_to"):
            self.fields[name].widget.attrs["placeholder"] = _date_example(timezone.localdate())

    def clean(self):
        cleaned_data = super().clean()
        date_from, date_to = cleaned_data.get("date_from"), cleaned_data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("This date is before the “From” date."))
        return cleaned_data

    @property
    def folded_fields_in_use(self) -> bool:
        """Whether "More filters" should start unfolded: one of its fields has a value or an error."""
        if not self.is_bound:
            return False
        return any(self.data.get(name) or self[name].errors for name in self.folded_field_names)

    def to_filters(self) -> CallFilters:
        """The valid filters; fields with errors are left out."""
        if not self.is_bound:
            return CallFilters()
        self.is_valid()  # cleans every field; cleaned_data keeps those without errors
        data = self.cleaned_data
        return CallFilters(
            department=data.get("department") or None,
            service=data.get("service") or None,
            district=data.get("district"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            has_free_places=bool(data.get("has_free_places")),
            open_to_teams=bool(data.get("open_to_teams")),
            age=data.get("age"),
            text=data.get("q") or "",
        )


class SignupRequirementsForm(forms.Form):
    """What a call needs that the person's profile lacks, asked on the way to signing up: their date of
    birth for a call with an age limit, the call's skills they have not listed (saved to their profile),
    and the call's waiver to accept (its version travels with the form, so a text changed meanwhile is
    not accepted unseen)."""

    def __init__(self, *args, missing: "selectors.SignupRequirementsMissing", **kwargs):
        super().__init__(*args, **kwargs)
        if missing.date_of_birth:
            self.fields["date_of_birth"] = JalaliDateField(
                label=_("Your date of birth"),
                help_text=(
                    _("Year/month/day, e.g. 1370/06/31.")
                    if is_persian()
                    else _("Year-month-day, e.g. 1991-09-22 (the Persian calendar works too).")
                ),
            )
        if missing.skills:
            self.fields["skills"] = forms.MultipleChoiceField(
                label=_("I have these skills"),
                choices=[(skill.pk, skill.name) for skill in missing.skills],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                help_text=_("They are added to your profile. Tick only what you can really do on the day."),
            )
        if missing.waiver:
            self.fields["accept_waiver"] = forms.BooleanField(
                label=_("I have read the waiver above and accept it"), required=True
            )
            self.fields["waiver_version"] = forms.CharField(widget=forms.HiddenInput, max_length=20)
        self.missing = missing

    def clean_skills(self):
        ticked = {int(pk) for pk in self.cleaned_data.get("skills", [])}
        if {skill.pk for skill in self.missing.skills} - ticked:
            raise ValidationError(
                _("This call needs every skill listed. If you do not have them, look for another call.")
            )
        return [skill for skill in self.missing.skills if skill.pk in ticked]


TIME_PATTERN = re.compile(r"^(\d{1,2})\s*[:\u066b.]\s*(\d{2})(?:\s*:\s*(\d{2}))?$")


class JalaliDateTimeInput(forms.TextInput):
    """A date and time typed as text, shown as Jalali with Persian digits to Persian readers
    (۱۴۰۵/۰۹/۱۴ ۰۸:۳۰) and as Gregorian to English ones (2026-12-05 08:30), with a calendar that picks the
    day in the reader's calendar (static/js/jalali-picker.js); the time is typed."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "dir": "ltr",
                "autocomplete": "off",
                "size": 18,
                "data-date-picker": "",
                "data-picker-label": _("Choose a day"),
                "data-previous-label": _("Previous month"),
                "data-next-label": _("Next month"),
                **(attrs or {}),
            }
        )

    class Media:
        js = ["js/jalali-picker.js"]
        css = {"all": ["css/jalali-picker.css"]}

    def format_value(self, value):
        if isinstance(value, datetime.datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            if is_persian():
                jalali = jdatetime.datetime.fromgregorian(datetime=local)
                return persian_digits(f"{jalali.year}/{jalali.month:02}/{jalali.day:02} {local:%H:%M}")
            return f"{local:%Y-%m-%d %H:%M}"
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        example = timezone.localtime().replace(hour=8, minute=30, second=0, microsecond=0)
        context["widget"]["attrs"].setdefault("placeholder", self.format_value(example))
        return context


class LocalDateTimeField(forms.Field):
    """A date and time typed as Jalali (1405/09/14 04:00) or Gregorian (2026-12-05 04:00 or 2026-12-05T04:00),
    in any digits, in the site's time zone."""

    widget = JalaliDateTimeInput
    default_error_messages = {
        "invalid": _(
            "Enter a date and time as year/month/day hour:minute, for example 1405/09/14 08:30 or "
            "2026-12-05 08:30."
        ),
    }

    def prepare_value(self, value):
        return value

    def to_python(self, value) -> datetime.datetime | None:
        if isinstance(value, datetime.datetime):
            return value
        text = _normalised(value)
        if text in self.empty_values:
            return None
        date_text, _separator, time_text = re.sub(r"\s*T\s*|\s+", " ", text, count=1).partition(" ")
        date = LocalDateField(error_messages=self.error_messages).to_python(date_text)
        match = TIME_PATTERN.match(time_text.strip())
        if date is None or not match:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        hour, minute, second = (int(part) if part else 0 for part in match.groups())
        try:
            naive = datetime.datetime.combine(date, datetime.time(hour, minute, second))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return timezone.make_aware(naive)


# --- Shifts in bulk: the staff's weekly series and copies ---------------------------------------------

DURATION_PATTERN = re.compile(r"^(\d{1,2})(?:\s*:\s*(\d{2})|\s*[.\u066b]\s*(\d{1,2}))?$")
DATES_SEPARATOR = re.compile(r"[\s,;\u060c\u061b]+")  # also the Persian comma and semicolon
SKIP_DATES_MAX = 100


class JalaliDateInput(forms.TextInput):
    """A day typed as text, shown as Jalali with Persian digits to Persian readers (۱۴۰۵/۰۹/۱۴) and as
    Gregorian to English ones (2026-12-05), with the calendar that picks the day (no time is added)."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "dir": "ltr",
                "autocomplete": "off",
                "size": 10,
                "data-date-picker": "",
                "data-date-only": "",
                "data-picker-label": _("Choose a day"),
                "data-previous-label": _("Previous month"),
                "data-next-label": _("Next month"),
                **(attrs or {}),
            }
        )

    class Media:
        js = ["js/jalali-picker.js"]
        css = {"all": ["css/jalali-picker.css"]}

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return _date_example(value)
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("placeholder", _date_example(timezone.localdate()))
        return context


class LocalTimeField(forms.Field):
    """A time of day typed as hour:minute in any digits (08:30, ۸:۳۰)."""

    widget = forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "inputmode": "numeric", "size": 6})
    default_error_messages = {"invalid": _("Enter a time as hour:minute, for example 08:30.")}

    def to_python(self, value) -> datetime.time | None:
        text = _normalised(value)
        if text in self.empty_values:
            return None
        match = TIME_PATTERN.match(text)
        if not match:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        hour, minute, second = (int(part) if part else 0 for part in match.groups())
        try:
            return datetime.time(hour, minute, second)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class LocalDurationField(forms.Field):
    """A length in hours, typed as 3, 2:30 or 2.5 (۲٫۵) in any digits."""

    widget = forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "inputmode": "decimal", "size": 6})
    default_error_messages = {"invalid": _("Enter hours, or hours:minutes, for example 3 or 2:30.")}

    def to_python(self, value) -> datetime.timedelta | None:
        text = _normalised(value)
        if text in self.empty_values:
            return None
        match = DURATION_PATTERN.match(text)
        if not match:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        hours, minutes, fraction = match.groups()
        if minutes is not None:
            if int(minutes) >= 60:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            return datetime.timedelta(hours=int(hours), minutes=int(minutes))
        return datetime.timedelta(hours=float(f"{hours}.{fraction or 0}"))


class LocalDatesField(forms.Field):
    """Dates typed one a line or separated by commas, each as Jalali or Gregorian in any digits."""

    widget = forms.Textarea(attrs={"dir": "ltr", "rows": 3, "cols": 24, "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("“%(date)s” is not a date. Write dates as year/month/day, for example 1405/09/01."),
        "too_many": _("Give at most %(count)s dates."),
    }

    def to_python(self, value) -> list[datetime.date]:
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            return []
        dates = []
        for part in DATES_SEPARATOR.split(text):
            if not part:
                continue
            try:
                dates.append(LocalDateField().to_python(part))
            except ValidationError:
                raise ValidationError(
                    self.error_messages["invalid"], code="invalid", params={"date": part}
                ) from None
        if len(dates) > SKIP_DATES_MAX:
            raise ValidationError(
                self.error_messages["too_many"],
                code="too_many",
                params={"count": format_number(SKIP_DATES_MAX)},
            )
        return sorted(set(dates))


class CallChoiceField(forms.ModelChoiceField):
    """A call, named by its title in the reader's language."""

    def label_from_instance(self, obj) -> str:
        return obj.localized_title


def _weekday_choices() -> list[tuple[str, str]]:
    """The days of the week, from Saturday in Persian (Iran's week) and from Monday in English."""
    order = (5, 6, 0, 1, 2, 3, 4) if is_persian() else range(7)
    return [(str(day), WEEKDAYS[day]) for day in order]


class ShiftSeriesForm(forms.Form):
    """A weekly series of shifts on one of the staff member's calls (`calls`); times and dates typed in
    either calendar and any digits."""

    call = CallChoiceField(label=_("Call"), queryset=None)
    weekdays = forms.MultipleChoiceField(label=_("Days of the week"), widget=forms.CheckboxSelectMultiple)
    first_date = LocalDateField(label=_("First day"), widget=JalaliDateInput)
    last_date = LocalDateField(label=_("Last day"), widget=JalaliDateInput)
    starts_at = LocalTimeField(label=_("Starts at"))
    ends_at = LocalTimeField(
        label=_("Ends at"),
        required=False,
        help_text=_("A time before the start means the shift ends the next day."),
    )
    duration = LocalDurationField(
        label=_("Or how long"),
        required=False,
        help_text=_("Instead of the end: hours, or hours:minutes (3 or 2:30)."),
    )
    capacity = LocalIntegerField(min_value=1, max_value=10000)
    team_places = LocalIntegerField(min_value=0, max_value=10000, required=False)
    checkin_radius_m = LocalIntegerField(min_value=0, max_value=100000, required=False)
    skip_dates = LocalDatesField(
        label=_("Dates to skip"),
        required=False,
        help_text=_("Holidays and other days without a shift: one date a line, or separated by commas."),
    )

    def __init__(self, *args, calls, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = calls
        self.fields["weekdays"].choices = _weekday_choices()
        for name in ("capacity", "team_places", "checkin_radius_m"):
            field = self.fields[name]
            model_field = Shift._meta.get_field(name)
            field.label = capfirst(model_field.verbose_name)
            field.help_text = model_field.help_text
        example = persian_digits("08:30") if is_persian() else "08:30"
        for name in ("starts_at", "ends_at"):
            self.fields[name].widget.attrs["placeholder"] = example

    def clean(self):
        data = super().clean()
        first_date, last_date = data.get("first_date"), data.get("last_date")
        if first_date and last_date and last_date < first_date:
            self.add_error("last_date", _("The last day is before the first day."))
        starts_at, ends_at, duration = data.get("starts_at"), data.get("ends_at"), data.get("duration")
        if ends_at and duration:
            self.add_error("duration", _("Give the end or the length, not both."))
        elif not ends_at and not duration and "ends_at" not in self.errors and "duration" not in self.errors:
            self.add_error("ends_at", _("Give the time the shift ends, or how long it lasts."))
        elif starts_at and ends_at:
            start = datetime.datetime.combine(datetime.date.min, starts_at)
            end = datetime.datetime.combine(datetime.date.min, ends_at)
            data["duration"] = (end - start) % datetime.timedelta(days=1) or datetime.timedelta(days=1)
        if data.get("duration") and data["duration"] > datetime.timedelta(hours=24):
            self.add_error("duration", _("A shift lasts at most 24 hours."))
        capacity, team_places = data.get("capacity"), data.get("team_places") or 0
        if capacity and team_places > capacity:
            self.add_error("team_places", _("Teams cannot reserve more places than the shift has."))
        return data

    def series(self) -> ShiftSeries:
        data = self.cleaned_data
        return ShiftSeries(
            weekdays=frozenset(int(day) for day in data["weekdays"]),
            first_date=data["first_date"],
            last_date=data["last_date"],
            starts_at=data["starts_at"],
            duration=data["duration"],
            capacity=data["capacity"],
            team_places=data.get("team_places") or 0,
            checkin_radius_m=data.get("checkin_radius_m"),
            skip_dates=frozenset(data.get("skip_dates") or ()),
        )


class ShiftCopyForm(forms.Form):
    """Which shifts of one call (all, or those between two days) to copy to which call of the same
    department, and how much later."""

    source = CallChoiceField(label=_("Copy the shifts of"), queryset=None)
    first_date = LocalDateField(
        label=_("Starting on"),
        required=False,
        widget=JalaliDateInput,
        help_text=_("Empty: from its first shift."),
    )
    last_date = LocalDateField(
        label=_("Until"), required=False, widget=JalaliDateInput, help_text=_("Empty: to its last shift.")
    )
    target = CallChoiceField(label=_("To the call"), queryset=None)
    weeks = LocalIntegerField(label=_("Weeks later"), min_value=0, max_value=104, initial=0, required=False)
    days = LocalIntegerField(label=_("Days later"), min_value=0, max_value=366, initial=0, required=False)

    def __init__(self, *args, calls, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = calls
        self.fields["target"].queryset = calls
        for name in ("weeks", "days"):
            self.fields[name].widget.attrs["placeholder"] = persian_digits(0) if is_persian() else "0"

    def clean(self):
        data = super().clean()
        first_date, last_date = data.get("first_date"), data.get("last_date")
        if first_date and last_date and last_date < first_date:
            self.add_error("last_date", _("The last day is before the first day."))
        source, target = data.get("source"), data.get("target")
        if source and target and source.service.department_id != target.service.department_id:
            self.add_error("target", _("Shifts are copied only between calls of the same department."))
        return data

    @property
    def offset(self) -> datetime.timedelta:
        data = self.cleaned_data
        return datetime.timedelta(weeks=data.get("weeks") or 0, days=data.get("days") or 0)
