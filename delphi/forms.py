"""A panellist's questionnaire for one round: a score on the study's scale and an optional comment for each
candidate their panel rates, built from the round's candidates."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.localization import format_number, is_persian

from .selectors import QuestionnaireItem


def scale_choices(study) -> list[tuple[str, str]]:
    labels = study.scale_labels or []
    choices = []
    for point in range(1, study.scale_points + 1):
        label = labels[point - 1] if point - 1 < len(labels) else {}
        text = (label.get("fa") if is_persian() else label.get("en") or label.get("fa")) or ""
        number = format_number(point)
        choices.append((str(point), f"{number} · {text}" if text else number))
    return choices


class QuestionnaireForm(forms.Form):
    def __init__(self, *args, items: list[QuestionnaireItem], study, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        choices = scale_choices(study)
        for item in items:
            pk = item.candidate.pk
            self.fields[f"score_{pk}"] = forms.ChoiceField(
                label=item.candidate.name,
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a score for this candidate.")},
            )
            self.fields[f"comment_{pk}"] = forms.CharField(
                label=_("Comment (optional, shown to the panel without your name)"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        """Each candidate with its figures from the previous round and its two fields, for the template."""
        for item in self.items:
            pk = item.candidate.pk
            yield item, self[f"score_{pk}"], self[f"comment_{pk}"]

    def answers(self) -> dict[int, tuple[int, str]]:
        return {
            item.candidate.pk: (
                int(self.cleaned_data[f"score_{item.candidate.pk}"]),
                self.cleaned_data[f"comment_{item.candidate.pk}"],
            )
            for item in self.items
        }
