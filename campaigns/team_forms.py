"""Forms of an NGO manager's pages for team places: reserving places on a shift, giving them to members
and changing how many the team holds. They only read and check input; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from city.models import Department, District, Service
from core.localization import ascii_digits, format_date, format_number


class PlacesField(forms.IntegerField):
    """A number of places, typed with Persian or Western digits."""

    # A number input refuses Persian digits in the browser, so this is text with a numeric keyboard.
    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 4})

    def to_python(self, value):
        return super().to_python(ascii_digits(value).strip() if isinstance(value, str) else value)


class TeamReserveForm(forms.Form):
    """Which shift of the call, for which of the manager's teams, how many places."""

    shift = forms.TypedChoiceField(label=_("Shift"), coerce=int)
    team = forms.TypedChoiceField(label=_("Team"), coerce=int)
    places = PlacesField(label=_("Places"), min_value=1, max_value=10000)

    def __init__(self, *args, shifts, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shift"].choices = [
            (
                shift.pk,
                _("%(date)s (teams may reserve %(left)s more)")
                % {
                    "date": format_date(shift.starts_at, with_time=True, with_weekday=True),
                    "left": format_number(shift.team_places_left),
                },
            )
            for shift in shifts
        ]
        self.fields["team"].choices = [(team.pk, f"{team.name} · {team.organisation.name}") for team in teams]


class TeamAssignForm(forms.Form):
    """Which of the team's members get places: one or several at once."""

    member = forms.TypedMultipleChoiceField(
        label=_("Team members"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [
            (member.pk, member.get_full_name() or member.username) for member in members
        ]


class TeamPlacesForm(forms.Form):
    places = PlacesField(label=_("Places for the team"), min_value=0, max_value=10000)


class SavedSearchForm(forms.Form):
    """What to hear about: any of a department, a service and a district (at least one)."""

    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False, empty_label=_("Any")
    )
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.filter(is_active=True),
        required=False,
        empty_label=_("Any"),
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False, empty_label=_("Any")
    )
