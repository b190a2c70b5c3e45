from django import forms
from django.utils.translation import gettext_lazy as _


class CounterForm(forms.Form):
    """The counter's one field: the code typed, or typed in by a hand-held scanner reading the QR code."""

    code = forms.CharField(
        label=_("Voucher code"),
        max_length=300,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
                "dir": "ltr",
                "placeholder": "XXXX-XXXX-XXXX-XXXX",
            }
        ),
    )
