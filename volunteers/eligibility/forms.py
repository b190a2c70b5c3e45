from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import CodeForm, JalaliDateField
from ..models import QualificationKind

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024


class QualificationForm(forms.Form):
    """A qualification the person holds, for staff to verify: its kind, the certificate's number or a file
    of it, when it was issued and until when it is valid."""

    kind = forms.ModelChoiceField(label=_("Qualification"), queryset=QualificationKind.objects.all())
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=60, required=False)
    evidence = forms.FileField(
        label=_("Photo or PDF of the certificate"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
        help_text=_("Give the number, attach the certificate, or both."),
    )
    issued_on = JalaliDateField(label=_("Issued on"))
    valid_until = JalaliDateField(
        label=_("Valid until"),
        required=False,
        help_text=_("Leave empty if it never expires or the qualification's usual validity applies."),
    )

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        if evidence and evidence.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large; send one under 5 MB."))
        return evidence


class GuardianForm(forms.Form):
    guardian_name = forms.CharField(label=_("Your parent's or guardian's name"), max_length=120)
    guardian_phone = forms.CharField(
        label=_("Their mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel", "autocomplete": "off"}),
        help_text=_("A code is sent to this number by SMS; they give it to you if they agree."),
    )


class GuardianCodeForm(GuardianForm, CodeForm):
    """The code the guardian gave; their name and number come along from the first step."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guardian_name"].widget = forms.HiddenInput()
        self.fields["guardian_phone"].widget = forms.HiddenInput()
        self.fields["code"].label = _("Code your guardian received")
