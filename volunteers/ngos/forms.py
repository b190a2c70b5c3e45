from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from ..models import OrganisationMembership, Team
from .services import INVITATION_DEFAULT_LIFETIME, INVITATION_MAX_LIFETIME, INVITATION_MAX_USES

Role = OrganisationMembership.Role


class OrganisationRegisterForm(forms.Form):
    name_fa = forms.CharField(label=_("Name of the NGO (Persian)"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    registration_number = forms.CharField(
        label=_("Registration number"),
        max_length=50,
        help_text=_("As on the NGO's registration certificate."),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    field_of_work = forms.CharField(
        label=_("Field of work"), max_length=200, help_text=_("For example: environment, culture, health.")
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"), max_length=20, required=False, widget=forms.TextInput(attrs={"dir": "ltr"})
    )
    contact_email = forms.EmailField(
        label=_("Contact e-mail"), required=False, widget=forms.EmailInput(attrs={"dir": "ltr"})
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("contact_phone") and not cleaned.get("contact_email") and not self.errors:
            raise forms.ValidationError(_("Give a phone number or an e-mail address to contact the NGO."))
        return cleaned


class InvitationForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("No team: the NGO only"),
    )
    role = forms.ChoiceField(label=_("Joins as"), choices=[(Role.MEMBER, Role.MEMBER.label)])
    valid_days = forms.IntegerField(
        label=_("Valid for (days)"),
        initial=INVITATION_DEFAULT_LIFETIME.days,
        validators=[MinValueValidator(1), MaxValueValidator(INVITATION_MAX_LIFETIME.days)],
    )
    max_uses = forms.IntegerField(
        label=_("How many people may use it"),
        initial=1,
        validators=[MinValueValidator(1), MaxValueValidator(INVITATION_MAX_USES)],
    )

    def __init__(self, *args, organisation, may_invite_managers: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = organisation.teams.order_by("name")
        if may_invite_managers:
            self.fields["role"].choices = [
                (Role.MEMBER, Role.MEMBER.label),
                (Role.MANAGER, Role.MANAGER.label),
            ]


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=120)


class TeamMemberAddForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Member"), queryset=None, empty_label=None)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = lambda person: person.display_name


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Invitation code"),
        max_length=40,
        help_text=_(
            "The code the NGO gave you, for example ABCD-EFGH-JKMN. Capital or small letters both work."
        ),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "autocapitalize": "characters"}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the NGO's owner)"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
