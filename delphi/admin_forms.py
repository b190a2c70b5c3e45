from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from core.localization import ascii_digits

from .permissions import studies_for_staff


class RoundOpenForm(forms.Form):
    days = forms.CharField(
        label=_("Answers due in (days)"),
        max_length=3,
        initial="14",
        help_text=_("The round closes by itself at the end of that time; you may close it earlier."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )

    def clean_days(self) -> int:
        text = ascii_digits(self.cleaned_data["days"].strip())
        if not text.isdigit() or not 1 <= int(text) <= 90:
            raise forms.ValidationError(_("Give a number of days from 1 to 90."))
        return int(text)


class PromoteForm(forms.Form):
    slug = forms.SlugField(label=_("Address name (slug) of the new service"), max_length=80)
    short_name_fa = forms.CharField(label=_("short name (Persian)"), max_length=80)
    short_name_en = forms.CharField(label=_("short name (English)"), max_length=80, required=False)


class ScopedStudyForm(WagtailAdminModelForm):
    """A panel, candidate or panellist form that offers only the studies (and their panels) the member of
    staff may run."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        studies = studies_for_staff(user=self.for_user) if self.for_user else None
        if studies is not None and "study" in self.fields:
            self.fields["study"].queryset = studies
        if studies is not None and "panel" in self.fields:
            self.fields["panel"].queryset = self.fields["panel"].queryset.filter(study__in=studies)
