from django import forms
from django.utils.translation import gettext_lazy as _

from city.models import Department, District, Service
from verification.forms import MultiplePhotoField
from volunteers.forms import PHONE_WIDGET_ATTRS
from volunteers.phone import normalize_mobile

from . import selectors
from .models import Item, Kind


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} — {obj.department.name}"


class ItemForm(forms.Form):
    """What a citizen says: its kind, subject, words, and for a problem its place and photos."""

    kind = forms.ChoiceField(label=_("What is it?"), choices=Kind.choices, widget=forms.RadioSelect)
    category = CategoryChoiceField(
        label=_("Subject"), queryset=selectors.subjects(), empty_label=_("Choose…")
    )
    title = forms.CharField(label=_("In a few words"), max_length=200)
    body = forms.CharField(
        label=_("Tell us more"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5, "maxlength": 4000})
    )
    latitude = forms.DecimalField(
        label=_("Latitude"), required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    address = forms.CharField(
        label=_("Address or landmark"),
        max_length=300,
        required=False,
        help_text=_("For a problem: where it is, if the pin is not enough or the map does not load."),
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False, empty_label=_("I don't know")
    )
    photos = MultiplePhotoField(
        label=_("Photos (up to four)"),
        help_text=_("Where a photo was taken is removed from it before it is stored."),
    )
    public_allowed = forms.BooleanField(
        label=_("Staff may publish it without my name, so that others can see and support it"),
        required=False,
        initial=True,
    )
    # What it is about, when it came from a call's page or a decision on the person's report.
    call = forms.IntegerField(required=False, widget=forms.HiddenInput)
    verification = forms.IntegerField(required=False, widget=forms.HiddenInput)

    ITEM_FIELDS = (
        "kind", "category", "title", "body", "latitude", "longitude", "district", "address", "photos",
        "public_allowed",
    )  # fmt: skip

    def item_values(self) -> dict:
        """What the person said, as services.item_submit takes it."""
        return {name: self.cleaned_data[name] for name in self.ITEM_FIELDS}


class OperatorItemForm(ItemForm):
    """A 137 operator or the in-person desk entering what a caller or visitor says."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(Item.Channel.PHONE, _("137 phone centre")), (Item.Channel.DESK, _("in-person desk"))],
    )
    mobile = forms.CharField(
        label=_("Caller's mobile number"), max_length=30, widget=forms.TextInput(attrs=PHONE_WIDGET_ATTRS)
    )
    name = forms.CharField(label=_("Caller's name"), max_length=150, required=False)

    field_order = ["channel", "mobile", "name"]

    def clean_mobile(self) -> str:
        mobile = normalize_mobile(self.cleaned_data["mobile"])
        if mobile is None:
            raise forms.ValidationError(_("This is not an Iranian mobile number. Type it as 09xxxxxxxxx."))
        return mobile


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Answer to the citizen"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )


class TransferForm(forms.Form):
    to_department = forms.ModelChoiceField(label=_("To department"), queryset=Department.objects.all())
    reason = forms.CharField(label=_("Why"), max_length=1000)


class PublishForm(forms.Form):
    public_title = forms.CharField(label=_("Public title"), max_length=200, required=False)
    public_body = forms.CharField(
        label=_("Public text"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Remove names, numbers and anything else that tells who wrote it."),
    )
    photos = forms.MultipleChoiceField(
        label=_("Photos shown to the public"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        if item is not None:
            self.fields["photos"].choices = [
                (str(photo.pk), str(number)) for number, photo in enumerate(item.photos.all(), 1)
            ]


class MergeForm(forms.Form):
    into_code = forms.CharField(label=_("Tracking code of the item it repeats"), max_length=20)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How good was the answer?"),
        coerce=int,
        choices=[
            (5, _("5 — very good")),
            (4, _("4 — good")),
            (3, _("3 — fair")),
            (2, _("2 — poor")),
            (1, _("1 — very poor")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Anything to add (optional)"), max_length=1000, required=False)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("What is still wrong?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}),
    )


class PublicFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *Kind.choices], required=False)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=_("All departments"),
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False, empty_label=_("All districts")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any status")),
            ("awaiting", _("awaiting an answer")),
            (Item.Status.ANSWERED, _("answered")),
            (Item.Status.CLOSED, _("closed")),
        ],
    )


class IdeaCallForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.filter(is_active=True))
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.all())

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if departments is not None:
            self.fields["service"].queryset = self.fields["service"].queryset.filter(
                department__in=departments
            )


class IdeaCandidateForm(forms.Form):
    panel = forms.ModelChoiceField(label=_("Panel of a Delphi study"), queryset=None)

    def __init__(self, *args, user=None, **kwargs):
        from delphi.models import Panel, Study
        from delphi.permissions import studies_for_staff

        super().__init__(*args, **kwargs)
        studies = (
            studies_for_staff(user=user).exclude(status=Study.Status.CLOSED) if user else Study.objects.none()
        )
        self.fields["panel"].queryset = Panel.objects.filter(study__in=studies).select_related("study")
