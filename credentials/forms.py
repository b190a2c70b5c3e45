from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from campaigns.forms import LocalDateField


class CertificateForm(forms.Form):
    period_start = LocalDateField(label=_("From"))
    period_end = LocalDateField(label=_("To"))
    language = forms.ChoiceField(label=_("Language of the certificate"), choices=settings.LANGUAGES)
