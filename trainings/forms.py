import json
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal import decimals
from portal.text import decimal_text, in_active_script

from .certificates import normalise_code
from .models import ZERO_HOURS


def cell_name(session_id, enrolment_id):
    return f"h-{session_id}-{enrolment_id}"


def tick_name(session_id, enrolment_id):
    return f"p-{session_id}-{enrolment_id}"


POSTED_CELL = re.compile(r"[hp]-[^-]+-[^-]+")  # what a cell_name or a tick_name looks like in a post


class AttendanceSheetForm(forms.Form):
    """Two fields per (session, enrolment): the hours present (empty means not recorded) and a tick,
    "present for the whole session". The cells of the `locked` sessions (ids) show what is recorded and
    take nothing posted.

    The tick works without a script: ticked with no hours typed means the session's hours; typed hours
    win; a tick taken off a cell that held the whole session (its hours left as they were) clears it.
    attendance.js does the same in the page as staff tick, so what they see is what is saved.

    The page also posts back what it showed (`shown`, one hidden field): only the cells staff changed on
    it are saved, so a sheet opened before someone else recorded a cell never puts back or clears it."""

    def __init__(self, *args, sessions, enrolments, hours, locked=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions, self.enrolments = sessions, enrolments
        # What the page shows, posted back in one hidden input (the template's "shown").
        self.shown_json = json.dumps(
            {cell_name(*cell): str(value) for cell, value in hours.items() if value is not None}, sort_keys=True
        )
        session_names = {session.pk: in_active_script(session) for session in sessions}
        for enrolment in enrolments:
            person = in_active_script(enrolment.participant)
            for session in sessions:
                value = hours.get((session.pk, enrolment.pk))
                names = {"person": person, "session": session_names[session.pk]}
                label = _("%(person)s, %(session)s") % names
                self.fields[cell_name(session.pk, enrolment.pk)] = decimals.DecimalField(
                    label=label,
                    required=False,
                    disabled=session.pk in locked,
                    min_value=ZERO_HOURS,
                    max_value=session.hours,
                    max_digits=4,
                    decimal_places=1,
                    initial=value,
                    localize=True,
                    error_messages={
                        "max_value": _("At most %(hours)s h: the length of the session.")
                        % {"hours": decimal_text(session.hours)},
                        "min_value": _("Hours present cannot be negative."),
                    },
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 3}),
                )
                self.fields[tick_name(session.pk, enrolment.pk)] = forms.BooleanField(
                    label=_("%(person)s, %(session)s: present for the whole session") % names,
                    required=False,
                    disabled=session.pk in locked,
                    initial=value is not None and value == session.hours,
                    widget=forms.CheckboxInput(
                        attrs={"class": "sheet-tick", "data-hours": number_format(session.hours, decimal_pos=1)}
                    ),
                )

    def clean(self):
        # A cell this sheet does not have (a session or a participant of another cohort, an id typed into
        # the post) is not silently left out of what is saved: the whole post is refused.
        strays = [name for name in self.data if POSTED_CELL.fullmatch(name) and name not in self.fields]
        if strays:
            raise ValidationError(
                ngettext(
                    "%(count)s cell sent is not on this cohort's sheet (a session or a participant of another "
                    "cohort): nothing was saved. Open the sheet again.",
                    "%(count)s cells sent are not on this cohort's sheet (a session or a participant of another "
                    "cohort): nothing was saved. Open the sheet again.",
                    len(strays),
                )
                % {"count": len(strays)},
                code="stray_cells",
            )
        return super().clean()

    def rows(self):
        """(enrolment, [(tick, hours) bound fields per session]) in the sheet's order."""
        return [
            (e, [(self[tick_name(s.pk, e.pk)], self[cell_name(s.pk, e.pk)]) for s in self.sessions])
            for e in self.enrolments
        ]

    def cell_hours(self, session, enrolment, before):
        """A cell's hours from what was typed and ticked (see the class's docstring); `before` is what
        the cell showed."""
        name, tick = cell_name(session.pk, enrolment.pk), tick_name(session.pk, enrolment.pk)
        typed, ticked = self.cleaned_data[name], self.cleaned_data[tick]
        if ticked:
            return session.hours if typed is None else typed
        if before is not None and before == session.hours and typed == before:
            return None  # the tick was taken off, the hours left as they were
        return typed

    def shown_hours(self):
        """{(session id, enrolment id): hours} as the page showed them, or None for a post that did not
        say (not from the page: then every cell counts as changed)."""
        try:
            shown = json.loads(self.data.get("shown") or "null")
            return None if shown is None else {name: Decimal(value) for name, value in shown.items()}
        except (ValueError, TypeError, AttributeError, InvalidOperation):
            return None

    def sessions_sent(self, sessions):
        """Those of `sessions` for which the post carries a cell with hours or a tick, whether or not the
        sheet takes it (a locked cell keeps what it showed)."""
        return [
            session
            for session in sessions
            if any(
                (self.data.get(cell_name(session.pk, enrolment.pk)) or "").strip()
                or self.data.get(tick_name(session.pk, enrolment.pk))
                for enrolment in self.enrolments
            )
        ]

    def hours(self):
        """The cells staff changed, as the service takes them: {(session id, enrolment id): hours or None}."""
        shown = self.shown_hours()
        result = {}
        for enrolment in self.enrolments:
            for session in self.sessions:
                name = cell_name(session.pk, enrolment.pk)
                before = shown.get(name) if shown is not None else self.fields[name].initial
                value = self.cell_hours(session, enrolment, before)
                if shown is None or value != before:
                    result[session.pk, enrolment.pk] = value
        return result


NOT_A_CODE = _("This is not a certificate code: it has 12 letters and digits. Check it on the paper.")
CYRILLIC = re.compile("[\u0400-\u04ff]")


class CertificateCodeForm(forms.Form):
    """A certificate's code as typed from the paper (any case, spaces, dashes): cleaned to the code as stored."""

    code = forms.CharField(
        label=_("Certificate code"),
        max_length=40,
        error_messages={"max_length": NOT_A_CODE},  # whatever is too long is not a code: the same words
        help_text=_("The 12 letters and digits printed on the certificate; spaces and dashes do not matter."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self):
        typed = self.cleaned_data["code"]
        code = normalise_code(typed)
        if code is None and CYRILLIC.search(typed):
            # Typed with a Cyrillic keyboard: "Н" may be an N typed or an H seen; no guess, say what to do.
            raise ValidationError(
                _("A certificate code has no Cyrillic letters: type it in Latin letters and digits, as on the paper."),
                code="cyrillic",
            )
        if code is None:
            raise ValidationError(NOT_A_CODE, code="invalid")
        return code
