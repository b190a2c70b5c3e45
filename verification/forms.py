import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.localization import ascii_digits

from .models import ImpactMeasure
from .photos import MAX_PHOTO_BYTES, MAX_PHOTOS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos from one file input; what they are is checked (and they are cleaned) by the
    service, which also counts them against the limit."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "multiple": True})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [upload for upload in data if upload]
        return [data] if data else []


NUMBER_ATTRS = {"inputmode": "decimal", "autocomplete": "off", "dir": "ltr"}


class CompletionReportForm(forms.Form):
    """The volunteer's (or their NGO manager's) report of a shift. The hours are checked against the
    shift by the service; the field takes Persian digits too, so it is text, not a number input."""

    hours = forms.CharField(
        label=_("Hours worked"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "dir": "ltr"}),
    )
    note = forms.CharField(
        label=_("What was done (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    before_photos = MultiplePhotoField(label=_("Photos before the work"))
    after_photos = MultiplePhotoField(label=_("Photos after the work"))
    photos_public = forms.BooleanField(
        label=_("Show these photos on the open city page"),
        required=False,
        help_text=_(
            "Without your name, once staff approve the work; only if no one in them minds. You can take this "
            "back at any time."
        ),
    )

    def __init__(self, *args, measures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.measures = list(measures)
        for measure in self.measures:
            if measure.kind == ImpactMeasure.Kind.CHECK:
                field = forms.BooleanField(label=measure.name, required=False)
            else:
                field = forms.CharField(
                    label=f"{measure.name} ({measure.unit})" if measure.unit else measure.name,
                    required=False,
                    max_length=12,
                    widget=forms.TextInput(attrs=NUMBER_ATTRS),
                )
            self.fields[f"measure_{measure.key}"] = field

    def measure_fields(self):
        return [self[f"measure_{measure.key}"] for measure in self.measures]

    def figures(self) -> dict:
        """{measure key: value} of the figures given; every checklist item is an answer (unticked: no)."""
        figures = {}
        for measure in self.measures:
            value = self.cleaned_data.get(f"measure_{measure.key}")
            if measure.kind == ImpactMeasure.Kind.CHECK:
                figures[measure.key] = bool(value)
            elif value not in (None, ""):
                figures[measure.key] = value
        return figures

    def photos(self) -> list[tuple[str, object]]:
        return [("before", upload) for upload in self.cleaned_data.get("before_photos", [])] + [
            ("after", upload) for upload in self.cleaned_data.get("after_photos", [])
        ]

    max_photos = MAX_PHOTOS
    max_photo_megabytes = MAX_PHOTO_BYTES // 2**20


class DecisionForm(forms.Form):
    """One decision from the staff queue: the action is the button pressed."""

    action = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject")), ("revoke", _("Revoke the approval"))]
    )
    hours = forms.CharField(label=_("Hours"), required=False, max_length=8)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)
    expected_status = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)


class OnBehalfForm(forms.Form):
    """When the person worked (times on the shift's day, in any digits) and why staff enter it for them."""

    started_at = forms.CharField(label=_("From (hour:minute)"), max_length=5)
    ended_at = forms.CharField(label=_("To (hour:minute)"), max_length=5)
    reason = forms.CharField(
        label=_("Why you enter it for them"),
        max_length=300,
        help_text=_("For example: no phone at the site, the check-in failed."),
    )

    def __init__(self, *args, shift, **kwargs):
        super().__init__(*args, **kwargs)
        self.shift = shift
        for name in ("started_at", "ended_at"):
            self.fields[name].widget.attrs.update({"dir": "ltr", "inputmode": "numeric", "size": 6})

    def _moment(self, name: str):
        text = ascii_digits(self.cleaned_data[name].strip()).replace("٫", ":").replace(".", ":")
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise forms.ValidationError(_("Write a time as hour:minute, for example 08:30."))
        day = timezone.localtime(self.shift.starts_at).date()
        moment = datetime.time(int(match[1]), int(match[2]))
        return timezone.make_aware(datetime.datetime.combine(day, moment))

    def clean_started_at(self):
        return self._moment("started_at")

    def clean_ended_at(self):
        return self._moment("ended_at")
