from django import forms
from django.utils.translation import gettext as _

from offices.models import PROPOSABLE_FIELDS, Office


class SurveyForm(forms.Form):
    """One rating field per question of a survey version, each on its question's scale."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            scale = range(question.scale_min, question.scale_max + 1)
            message = _("Give a rating from %(min)s to %(max)s.") % {
                "min": question.scale_min,
                "max": question.scale_max,
            }
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                choices=[(value, str(value)) for value in scale],
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"invalid_choice": message, "required": message},
            )

    def ratings(self):
        return {question.pk: self.cleaned_data[f"q{question.pk}"] for question in self.questions}

    def areas(self):
        """The bound fields grouped by competence area, in the questions' order: [(area, [field, …])]."""
        groups = {}
        for question in self.questions:
            groups.setdefault(question.area, []).append(self[f"q{question.pk}"])
        return list(groups.items())


class OfficeChangeForm(forms.ModelForm):
    """The office's public details, as the coordinator proposes them (checked by the office's own field rules)."""

    class Meta:
        model = Office
        fields = PROPOSABLE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
