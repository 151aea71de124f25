from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .models import ZERO_HOURS


def cell_name(session_id, enrolment_id):
    return f"h-{session_id}-{enrolment_id}"


class AttendanceSheetForm(forms.Form):
    """One field per (session, enrolment): hours present; empty means not recorded. The cells of the
    `locked` sessions (ids) show what is recorded and take nothing posted."""

    def __init__(self, *args, sessions, enrolments, hours, locked=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions, self.enrolments = sessions, enrolments
        for enrolment in enrolments:
            for session in sessions:
                value = hours.get((session.pk, enrolment.pk))
                self.fields[cell_name(session.pk, enrolment.pk)] = forms.DecimalField(
                    label=_("%(person)s, %(session)s") % {"person": enrolment.participant, "session": session},
                    required=False,
                    disabled=session.pk in locked,
                    min_value=ZERO_HOURS,
                    max_value=session.hours,
                    max_digits=4,
                    decimal_places=1,
                    initial=value,
                    localize=True,
                    error_messages={
                        "max_value": _("At most %(hours)s hours: the length of the session.")
                        % {"hours": number_format(session.hours)},
                        "min_value": _("Hours present cannot be negative."),
                    },
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 3}),
                )

    def rows(self):
        """(enrolment, [bound field per session]) in the sheet's order."""
        return [(e, [self[cell_name(s.pk, e.pk)] for s in self.sessions]) for e in self.enrolments]

    def hours(self):
        """The cleaned sheet as the service takes it: {(session id, enrolment id): hours or None}."""
        return {
            (session.pk, enrolment.pk): self.cleaned_data[cell_name(session.pk, enrolment.pk)]
            for enrolment in self.enrolments
            for session in self.sessions
        }
