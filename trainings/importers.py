"""Spreadsheet imports (and exports) of enrolments and attendance, on the imports framework.

A row names a person: a coordinator or a participant who is not one, by e-mail; else a coordinator by
name and a municipality where they were appointed, a participant by name and organisation.
The model's rules decide (a full or closed cohort, attendance only of the enrolled, at most the
session's hours); records are loaded once, so a row costs no query.
"""

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from areas.lookup import AreaLookup
from imports.columns import AreaColumn, ChoiceColumn, DateColumn, DecimalColumn, TextColumn
from imports.importers import Import, Save, spelled_apart
from offices.importers import MUNICIPALITY
from offices.models import Appointment, Coordinator
from portal.text import in_active_script, search_fold

from .models import (
    Attendance,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Participant,
    Session,
    validate_cohort_open_for,
    validate_status_by_hand,
)


class CohortColumn(TextColumn):
    """A cohort by its name (as the export writes it) or its id."""

    def parse(self, raw, context):
        text = self.text(raw)
        if text.isdigit() and int(text) in context.cohorts_by_id:
            return context.cohorts_by_id[int(text)]
        found = context.cohorts_by_name.get(search_fold(text), [])
        if len(found) > 1:
            raise ValidationError(
                _("Several cohorts are named “%(name)s”: give the cohort's id.") % {"name": text}, code="ambiguous"
            )
        if not found:
            raise ValidationError(_("No cohort is named “%(name)s”.") % {"name": text}, code="no_cohort")
        return found[0]

    def show(self, value, context):
        return value.name if value else ""

    def export(self, value, context):
        # A name several cohorts share is written as the id, which the import reads back.
        return str(value.pk) if search_fold(value.name) in context.shared_names else value.name


class SessionColumn(DateColumn):
    """A session of the row's cohort by its date or its topic (found by the row rule)."""

    def parse(self, raw, context):
        try:
            return super().parse(raw, context)
        except ValidationError:
            return self.text(raw)

    def show(self, value, context):
        return super().show(value, context) if hasattr(value, "strftime") else str(value or "")

    def export(self, value, context):
        # Written as the import reads it back, whatever the language (the preview shows it localized).
        return value.held_on.strftime("%d.%m.%Y")


PERSON_COLUMNS = [
    CohortColumn("cohort", "grupa", aliases=("cohort", "kohorta", "група"), required=True),
    TextColumn("first_name", "ime", aliases=("first_name", "first name"), required=True),
    TextColumn("last_name", "prezime", aliases=("last_name", "last name", "surname"), required=True),
    TextColumn("email", "e-pošta", aliases=("email", "e-mail", "mejl")),
    AreaColumn("area", "opština", aliases=MUNICIPALITY),
    TextColumn("organisation", "organizacija", aliases=("organisation", "organization", "organizacija")),
]

PERSON_HELP = gettext_lazy(
    "A row's person is found by the e-mail address of a coordinator or of a participant (capitals and "
    "spaces do not matter); without one, a coordinator by name and a municipality where they were "
    "appointed, and a participant who is not a coordinator (a youth council member, a partner's youth "
    "worker) by name and organisation. A row that matches more than one person, or nobody, is an "
    "error: an import never adds people, so add a new participant in the admin first."
)


def normal_email(text):
    """E-mail as compared: no spaces anywhere, lower case."""
    return "".join((text or "").split()).lower()


class CoordinatorRows(Import):
    """Finding a row's person (a coordinator, or a participant who is not one) and exporting them.

    A person is a key, ("coordinator", id) or ("participant", id), in `self.people`, which maps it to
    (coordinator or None, participant or None): a coordinator trained for the first time has no
    participant record yet (the enrolment import makes it), one who was trained has both, and the
    council member or youth worker has only the participant record.
    """

    help_text = PERSON_HELP

    def prepare(self, rows, mapping):
        self.areas = AreaLookup()
        cohorts = list(Cohort.objects.all())
        self.cohorts_by_id = {cohort.pk: cohort for cohort in cohorts}
        self.cohorts_by_name = {}
        for cohort in cohorts:
            self.cohorts_by_name.setdefault(search_fold(cohort.name), []).append(cohort)
        self.people, self.by_email, self.by_name_area, self.by_name_organisation = {}, {}, {}, {}
        coordinators = {person.pk: person for person in Coordinator.objects.all()}
        for coordinator in coordinators.values():
            self.people[("coordinator", coordinator.pk)] = (coordinator, None)
            self.add_email(coordinator.email, ("coordinator", coordinator.pk))
        for participant in Participant.objects.all():
            if participant.coordinator_id:
                participant.coordinator = coordinators[participant.coordinator_id]
                key = ("coordinator", participant.coordinator_id)
            else:
                key = ("participant", participant.pk)
                if participant.organisation:
                    name = search_fold(f"{participant.first_name} {participant.last_name}")
                    self.by_name_organisation.setdefault((name, search_fold(participant.organisation)), []).append(key)
            self.people[key] = (participant.coordinator, participant)
            self.add_email(participant.email, key)
        for coordinator_id, area_id in Appointment.objects.values_list("coordinator_id", "office__area_id").distinct():
            name = search_fold(coordinators[coordinator_id].full_name)
            self.by_name_area.setdefault((name, area_id), []).append(("coordinator", coordinator_id))
        participants = {
            participant.pk: participant for _coordinator, participant in self.people.values() if participant
        }
        self.enrolments = {}
        for enrolment in Enrolment.objects.select_related("cohort"):
            enrolment.participant = participants[enrolment.participant_id]
            self.enrolments[(enrolment.cohort_id, enrolment.participant_id)] = enrolment
        self.in_file = {}

    def add_email(self, email, key):
        if normal_email(email):
            self.by_email.setdefault(normal_email(email), set()).add(key)

    def prepare_export(self):
        self.areas = AreaLookup()
        names = [search_fold(name) for name in Cohort.objects.values_list("name", flat=True)]
        self.shared_names = {name for name in names if names.count(name) > 1}

    def person(self, row):
        """The key of the row's person: by e-mail, else by name and municipality or organisation.
        More than one match is an error, never a guess; nobody is an error too (no one is created)."""
        email = normal_email(self.given(row, "email"))
        name = f"{self.given(row, 'first_name')} {self.given(row, 'last_name')}"
        area, organisation = self.given(row, "area"), self.given(row, "organisation")
        tried = []
        if email:
            found = self.by_email.get(email, set())
            if len(found) == 1:
                return next(iter(found))
            if found:
                tried.append(
                    ngettext(
                        "%(count)s person has the e-mail %(email)s",
                        "%(count)s people have the e-mail %(email)s",
                        len(found),
                    )
                    % {"count": len(found), "email": email}
                )
                raise ValidationError(
                    _("Several people match this row, so none was chosen: %(tried)s.") % {"tried": "; ".join(tried)},
                    code="ambiguous",
                )
            tried.append(_("nobody has the e-mail %(email)s") % {"email": email})
        candidates = []
        if area:
            found = self.by_name_area.get((search_fold(name), area.pk), [])
            candidates += found
            tried.append(
                ngettext(
                    "%(count)s coordinator named %(name)s was appointed in %(area)s",
                    "%(count)s coordinators named %(name)s were appointed in %(area)s",
                    len(found),
                )
                % {"count": len(found), "name": name, "area": area.local_name}
            )
        if organisation:
            found = self.by_name_organisation.get((search_fold(name), search_fold(organisation)), [])
            candidates += found
            tried.append(
                ngettext(
                    "%(count)s participant named %(name)s is from %(organisation)s",
                    "%(count)s participants named %(name)s are from %(organisation)s",
                    len(found),
                )
                % {"count": len(found), "name": name, "organisation": organisation}
            )
        if not area and not organisation:
            tried.append(
                _("neither a municipality nor an organisation is given to find %(name)s by name") % {"name": name}
            )
        if len(candidates) == 1:
            coordinator, participant = self.people[candidates[0]]
            stored = (coordinator or participant).full_name  # as stored: the active script is for showing
            if spelled_apart(name, stored):
                row.acknowledge.append(
                    _("“%(typed)s” is taken to be %(name)s (đ, dj and d are read alike): if the row is about "
                      "someone else, give their e-mail.")
                    % {"typed": name, "name": in_active_script(stored)}
                )  # fmt: skip
            return candidates[0]
        if candidates:
            raise ValidationError(
                _("Several people match this row, so none was chosen: %(tried)s.") % {"tried": "; ".join(tried)},
                code="ambiguous",
            )
        raise ValidationError(
            _("Unknown person: %(tried)s. An import adds nobody: add a new participant in the admin first.")
            % {"tried": "; ".join(tried)},
            code="unknown",
        )

    def person_name(self, key):
        coordinator, participant = self.people[key]
        return in_active_script(coordinator.full_name if coordinator else participant.full_name)

    def person_found(self, key, row):
        """Whom a row was matched to, for the preview: the name with the e-mail, else the organisation,
        else the municipality the row gave ("Ana Knežević (ana.knezevic@mladi.ba)")."""
        coordinator, participant = self.people[key]
        area = self.given(row, "area")
        detail = (
            (coordinator.email if coordinator else "")
            or (participant.email if participant else "")
            or (participant.organisation if participant else "")
            or (area.local_name if area else "")
        )
        name = self.person_name(key)
        return f"{name} ({in_active_script(detail)})" if detail else name

    def export_value(self, record, column):
        enrolment = record.enrolment if isinstance(record, Attendance) else record
        person = enrolment.participant.coordinator or enrolment.participant
        if column.field == "cohort":
            return enrolment.cohort
        if column.field in ("first_name", "last_name", "email"):
            return getattr(person, column.field)
        if column.field == "organisation":
            return enrolment.participant.organisation
        if column.field == "area":
            return None  # the e-mail finds the coordinator; a municipality only helps without one
        return getattr(record, column.field)


STATUS_HELP = gettext_lazy(
    "The status column takes invited, enrolled or dropped out. Completion follows the programme's rule "
    "when the cohort is closed, so an import never sets “completed” (a row that keeps an enrolment "
    "completed, as an export writes it, is left alone)."
)


class EnrolmentImport(CoordinatorRows):
    """A row a person's enrolment in a cohort; a re-imported row may change its status (not to completed)."""

    help_text = format_lazy("{} {}", PERSON_HELP, STATUS_HELP)
    write_order = [Participant, Enrolment]
    title = Enrolment._meta.verbose_name_plural
    columns = [
        *PERSON_COLUMNS,
        ChoiceColumn(
            "status",
            "status",
            aliases=("stanje",),
            choices=EnrolmentStatus,
            # Earlier labels, and their feminine forms, as files written before still say them.
            words={
                **dict.fromkeys(["pozvan", "pozvana", "pozvan/a", "pozvan(a)"], "invited"),
                **dict.fromkeys(["upisan", "upisana", "upisan/a", "upisan(a)"], "enrolled"),
                **dict.fromkeys(["zavrsio", "zavrsila", "zavrsio/la", "zavrsio/zavrsila"], "completed"),
                **dict.fromkeys(["odustao", "odustala", "odustao/la", "odustao/odustala"], "dropped_out"),
            },
            offered=EnrolmentStatus.set_by_hand(),  # "completed" is refused by hand (validate_status_by_hand)
        ),
    ]

    def prepare(self, rows, mapping):
        super().prepare(rows, mapping)
        self.taken = {}
        for enrolment in self.enrolments.values():
            if enrolment.status in EnrolmentStatus.taking_places():
                self.taken[enrolment.cohort_id] = self.taken.get(enrolment.cohort_id, 0) + 1

    def export_records(self, queryset):
        return queryset.select_related("cohort", "participant__coordinator").order_by("cohort", "pk")

    def check_row(self, row):
        cohort = self.given(row, "cohort")
        key = self.person(row)
        row.found = self.person_found(key, row)
        earlier = self.in_file.setdefault((cohort.pk, key), row.number)
        if earlier != row.number:
            raise ValidationError(_("Row %(row)s is about this enrolment already.") % {"row": earlier})
        coordinator, participant = self.people[key]
        if participant is None:  # a coordinator's first training: their participant record, made once
            participant = Participant(coordinator=coordinator, first_name=coordinator.first_name,
                                      last_name=coordinator.last_name)  # fmt: skip
            self.people[key] = (coordinator, participant)
            row.saves.append(Save(participant, True))
        enrolment = self.enrolments.get((cohort.pk, participant.pk)) if participant.pk else None
        created = enrolment is None
        before = None if created else enrolment.status
        if created:
            enrolment = Enrolment(cohort=cohort, participant=participant)
        save = self.apply_values(row, enrolment, ["status"], created=created)
        try:
            validate_status_by_hand(enrolment.status, before=before)
        except ValidationError as error:
            raise ValidationError({"status": error}) from None
        self.validate(enrolment)
        taking = EnrolmentStatus.taking_places()
        if enrolment.status in taking and (created or before not in taking):
            validate_cohort_open_for(cohort, enrolment.status, taken=self.taken.get(cohort.pk, 0))
            self.taken[cohort.pk] = self.taken.get(cohort.pk, 0) + 1
        row.saves.append(save)


EMPTY_HOURS = gettext_lazy(
    "Give the hours present (0 for an absence). An import never removes a record: to remove one, clear its "
    "cell on the cohort's attendance sheet."
)


class AttendanceImport(CoordinatorRows):
    """A row the hours a person enrolled in a cohort was present at one of its sessions.

    An empty hours cell is refused (EMPTY_HOURS), even with "empty cells clear" chosen: on the sheet an
    emptied cell removes its record, but an import adds and changes records and never removes one, so a
    forgotten cell of a file cannot remove what the sheet recorded."""

    write_order = [Attendance]
    columns = [
        *PERSON_COLUMNS,
        SessionColumn("session", "sesija", aliases=("session", "datum", "tema", "сесија"), required=True),
        DecimalColumn(
            "hours",
            "sati",
            aliases=("hours", "časova", "casova"),
            places=1,
            round_extra=False,  # "2,25" is refused, as on the attendance sheet, never rounded to 2,2
            required=True,
            required_message=EMPTY_HOURS,
            example="2.5",
        ),
    ]

    def prepare(self, rows, mapping):
        super().prepare(rows, mapping)
        self.sessions = {}
        for session in Session.objects.select_related("module"):
            session.cohort = self.cohorts_by_id[session.cohort_id]  # its rules read the cohort: no query per row
            self.sessions.setdefault(session.cohort_id, []).append(session)
        self.attendances = {(a.session_id, a.enrolment_id): a for a in Attendance.objects.all()}

    def export_records(self, queryset):
        return queryset.select_related("session", "enrolment__cohort", "enrolment__participant__coordinator").order_by(
            "enrolment__cohort", "session__held_on", "pk"
        )

    def find_session(self, cohort, given):
        sessions = self.sessions.get(cohort.pk, [])
        if hasattr(given, "strftime"):
            found = [session for session in sessions if session.held_on == given]
        else:
            found = [session for session in sessions if search_fold(session.topic) == search_fold(given)]
        if len(found) != 1:
            shown = date_format(given, "SHORT_DATE_FORMAT") if hasattr(given, "strftime") else given
            message = (
                ngettext(
                    "%(count)s session of %(cohort)s matches “%(session)s”: give its date.",
                    "%(count)s sessions of %(cohort)s match “%(session)s”: give its date.",
                    len(found),
                )
                if found
                else _("The cohort %(cohort)s has no session “%(session)s”.")
            )
            raise ValidationError(
                message % {"count": len(found), "cohort": in_active_script(cohort.name), "session": shown}
            )
        return found[0]

    def check_row(self, row):
        cohort = self.given(row, "cohort")
        session = self.find_session(cohort, self.given(row, "session"))
        key = self.person(row)
        row.found = self.person_found(key, row)
        participant = self.people[key][1]
        enrolment = self.enrolments.get((cohort.pk, participant.pk)) if participant else None
        if enrolment is None:
            raise ValidationError(
                _("%(name)s is not enrolled in %(cohort)s: attendance can only be recorded for someone enrolled.")
                % {"name": self.person_name(key), "cohort": in_active_script(cohort.name)}
            )
        earlier = self.in_file.setdefault((session.pk, enrolment.pk), row.number)
        if earlier != row.number:
            raise ValidationError(_("Row %(row)s is about this attendance already.") % {"row": earlier})
        attendance = self.attendances.get((session.pk, enrolment.pk))
        created = attendance is None
        if created:
            attendance = Attendance(session=session, enrolment=enrolment)
        else:  # the records loaded already: its rule reads them without a query a row
            attendance.session, attendance.enrolment = session, enrolment
        save = self.apply_values(row, attendance, ["hours"], created=created)
        if save.created or save.fields:
            # Its clean(): a session held, of an open cohort, someone enrolled in it, at most the session's
            # hours. An unchanged row (a closed cohort's exported file, imported again) is left alone.
            self.validate(attendance)
        row.saves.append(save)
