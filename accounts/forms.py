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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each field also posts back the value the page showed (Django's hidden initial input), so a
        # proposal is made of what the coordinator changed, never of what staff changed meanwhile.
        for field in self.fields.values():
            field.show_hidden_initial = True

    def shown(self):
        """{field: the value the page showed}, for the fields whose shown value came back with the post."""
        return {
            name: field.to_python(self.data[self.add_initial_prefix(name)])
            for name, field in self.fields.items()
            if self.add_initial_prefix(name) in self.data
        }
