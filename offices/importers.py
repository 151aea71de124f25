"""Spreadsheet imports of offices and coordinators: preview every row, then write all or nothing.

Each row goes through a Django form, so a row obeys the same rules as the admin's forms and the
models' constraints. Nothing is written while any row has an error.
"""

import copy
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.forms.models import model_to_dict
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils.datetime import from_excel

from areas.models import Area
from portal.text import fold

from .models import Appointment, Coordinator, Office, OfficeStatus
from .services import office_change_status, office_history_start, office_status_change_validate
from .spreadsheets import FORMULA_STARTS

# An office's lifecycle: on an existing office, changed only through the history's services.
LIFECYCLE_FIELDS = ("status", "initiated_on", "opened_on", "closed_on")
DATE_FORMATS = ["%d.%m.%Y", "%d.%m.%Y.", "%d. %m. %Y.", "%d. %m. %Y", "%Y-%m-%d", "%d/%m/%Y"]
TRUE_WORDS = {"da", "yes", "1", "true", "x", "д", "да"}
FALSE_WORDS = {"ne", "no", "0", "false", "", "не"}


class SpreadsheetDateField(forms.DateField):
    default_error_messages = {
        "invalid": gettext_lazy("Enter a date as dd.mm.yyyy (15.03.2017) or yyyy-mm-dd (2017-03-15).")
    }

    def __init__(self, **kwargs):
        super().__init__(input_formats=DATE_FORMATS, required=False, **kwargs)

    def to_python(self, value):
        # A spreadsheet keeps a date typed in a "General" cell as its serial number.
        if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
            return from_excel(value).date()
        return super().to_python(value)


class YesNoField(forms.Field):
    def to_python(self, value):
        folded = fold(str(value if value is not None else ""))
        if folded in {fold(word) for word in TRUE_WORDS}:
            return True
        if folded in {fold(word) for word in FALSE_WORDS}:
            return False
        raise ValidationError(_("Write yes or no (da or ne)."), code="invalid")


class AreaLookup:
    """Finds a city, municipality or city municipality by any spelling of its name or its code.

    "Ćuprija", "CUPRIJA", "Cuprija" and "Ћуприја" are one place; "Palilula (Niš)" tells two
    places of one name apart; where a city and its own city municipality share a name, the city wins.
    """

    def __init__(self):
        self.by_code = {}
        self.by_name = {}
        areas = Area.objects.office_hosts().current().select_related("parent")
        for area in areas:
            self.by_code[area.code.upper()] = area
            for name in {fold(name) for name in (area.name, area.name_cyrillic, area.name_en) if name}:
                self.by_name.setdefault(name, []).append(area)

    def find(self, value):
        text = str(value or "").strip()
        if not text:
            raise ValidationError(_("Name the municipality or city."), code="required")
        if text.upper() in self.by_code:
            return self.by_code[text.upper()]
        name, _paren, qualifier = text.partition("(")
        candidates = self.by_name.get(fold(name), [])
        if qualifier:
            wanted = fold(qualifier.rstrip(")"))
            candidates = [a for a in candidates if a.parent and wanted in (fold(a.parent.name), a.parent.code.lower())]
        candidates = [a for a in candidates if a.parent_id not in {c.pk for c in candidates}] or candidates
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise ValidationError(
                _("Unknown municipality or city: “%(name)s”."), code="unknown_area", params={"name": text}
            )
        raise ValidationError(
            _("“%(name)s” is ambiguous: write %(options)s."),
            code="ambiguous_area",
            params={"name": text, "options": _(" or ").join(f"“{a.name} ({a.parent.name})”" for a in candidates)},
        )


def status_lookup():
    words = {}
    for language in ("sr-latn", "sr", "en"):
        with translation.override(language):
            for value, label in OfficeStatus.choices:
                words[fold(str(label))] = value
                words[fold(value)] = value
    # Feminine forms, as a spreadsheet says of a "kancelarija".
    words.update({"otvorena": "open", "zatvorena": "closed", "neaktivna": "inactive", "inicirana": "initiated"})
    return words


@dataclass
class Column:
    key: str
    header: str
    aliases: tuple = ()
    required: bool = False
    kind: str = "text"  # "text", "date" or "decimal": how a cell of this column is read

    def names(self):
        return {fold(self.header), fold(self.key), *(fold(alias) for alias in self.aliases)}

    def read(self, value):
        """A cell as the row's form expects it: text for text columns, dates kept as dates."""
        if value is None:
            return ""
        if self.kind == "date":
            if isinstance(value, datetime):
                return value.date()
            return value.strip() if isinstance(value, str) else value
        if isinstance(value, datetime | date):
            return value.strftime("%d.%m.%Y")
        if isinstance(value, float) and value.is_integer() and self.kind == "text":
            value = int(value)
        text = str(value).strip()
        if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
            text = text[1:]  # our own exports neutralise formulas so; take it back off
        if self.kind == "decimal" and text:
            # GPS sheets give more decimals than a metre needs; a bad number is the form's to report.
            with suppress(InvalidOperation):
                text = str(Decimal(text.replace(",", ".")).quantize(Decimal("0.00001")))
        return text


@dataclass
class RowResult:
    number: int
    values: dict
    errors: list = field(default_factory=list)
    action: str = ""
    form: object = None
    cells: list = field(default_factory=list)

    CREATE, UPDATE = "create", "update"

    @property
    def action_label(self):
        return {self.CREATE: _("create"), self.UPDATE: _("update")}.get(self.action, "")


@dataclass
class Preview:
    columns: list
    rows: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)

    @property
    def error_count(self):
        return len(self.file_errors) + sum(1 for row in self.rows if row.errors)

    @property
    def ok(self):
        return not self.error_count and bool(self.rows)


class ImportFailed(Exception):
    def __init__(self, preview):
        super().__init__(_("The import was not written."))
        self.preview = preview


class Importer:
    columns: list = []

    def preview(self, headers, rows):
        preview = Preview(columns=self.columns)
        mapping = self.map_headers(headers, preview)
        if preview.file_errors:
            return preview
        if not rows:
            preview.file_errors.append(_("The file has a header row but no data rows."))
            return preview
        self.prepare()
        columns = {column.key: column for column in self.columns}
        for index, cells in enumerate(rows):
            values = {
                key: columns[key].read(cells[position] if position < len(cells) else None)
                for key, position in mapping.items()
            }
            row = RowResult(number=index + 2, values=values, cells=[values.get(c.key) for c in self.columns])
            try:
                self.check_row(row)
            except ValidationError as error:
                row.errors.extend(error.messages)
            preview.rows.append(row)
        return preview

    def map_headers(self, headers, preview):
        folded = [fold(str(header or "")) for header in headers]
        mapping = {}
        for column in self.columns:
            names = column.names()
            positions = [i for i, header in enumerate(folded) if header in names]
            if len(positions) > 1:
                preview.file_errors.append(
                    _("The column “%(column)s” appears more than once.") % {"column": column.header}
                )
            elif positions:
                mapping[column.key] = positions[0]
            elif column.required:
                preview.file_errors.append(_("The column “%(column)s” is missing.") % {"column": column.header})
        return mapping

    def prepare(self):
        """Load what every row needs once, so that an import runs a fixed number of lookups."""

    def check_row(self, row):
        raise NotImplementedError

    def form_data(self, form_class, values, instance):
        """The record as it is, with the file's columns laid over it: a column the file lacks stays."""
        data = {}
        if instance is not None:
            data = {
                key: "" if value is None else value
                for key, value in model_to_dict(instance, fields=form_class._meta.fields).items()
            }
        data.update({key: value for key, value in values.items() if key in form_class._meta.fields})
        return data

    def form_errors(self, form):
        labels = {column.key: column.header for column in self.columns}
        messages = []
        for name, errors in form.errors.items():
            label = labels.get(name) or (form.fields[name].label if name in form.fields else "")
            prefix = f"{label}: " if name != "__all__" and label else ""
            messages.extend(prefix + str(error) for error in errors)
        return messages

    def apply(self, headers, rows):
        """Write every row, or nothing: returns the preview with the actions taken."""
        with transaction.atomic():
            preview = self.preview(headers, rows)
            if not preview.ok:
                raise ImportFailed(preview)
            try:
                with transaction.atomic():
                    for row in preview.rows:
                        self.save_row(row)
            except (IntegrityError, ValidationError) as error:
                preview.file_errors.append(_("The database refused the import: %(error)s") % {"error": error})
                raise ImportFailed(preview) from error
        return preview

    def save_row(self, row):
        row.form.save()


class OfficeRowForm(forms.ModelForm):
    initiated_on = SpreadsheetDateField(label=gettext_lazy("initiated on"))
    opened_on = SpreadsheetDateField(label=gettext_lazy("opened on"))
    closed_on = SpreadsheetDateField(label=gettext_lazy("closed or inactive since"))

    class Meta:
        model = Office
        fields = [
            "name", "status", "initiated_on", "opened_on", "closed_on", "address", "postal_code",
            "latitude", "longitude", "email", "phone", "website", "working_hours", "description",
        ]  # fmt: skip

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.area = area


class OfficeImporter(Importer):
    columns = [
        Column("area", "opština", ("municipality", "grad", "jls", "lsg", "opstina/grad", "općina"), required=True),
        Column("name", "naziv", ("name", "kancelarija"), required=True),
        Column("status", "status", ("stanje",), required=True),
        Column("initiated_on", "inicirana", ("initiated_on", "initiated"), kind="date"),
        Column("opened_on", "otvorena", ("opened_on", "opened", "datum otvaranja"), kind="date"),
        Column("closed_on", "zatvorena", ("closed_on", "closed", "datum zatvaranja"), kind="date"),
        Column("address", "adresa", ("address",)),
        Column("postal_code", "poštanski broj", ("postal_code", "ptt")),
        Column("latitude", "geografska širina", ("latitude", "lat", "sirina"), kind="decimal"),
        Column("longitude", "geografska dužina", ("longitude", "lon", "lng", "duzina"), kind="decimal"),
        Column("email", "e-pošta", ("email", "e-mail", "mejl")),
        Column("phone", "telefon", ("phone", "tel")),
        Column("website", "veb-sajt", ("website", "sajt", "web")),
        Column("working_hours", "radno vreme", ("working_hours", "radno vrijeme")),
        Column("description", "opis", ("description",)),
    ]

    def prepare(self):
        self.areas = AreaLookup()
        self.statuses = status_lookup()
        self.existing = {(office.area_id, fold(office.name)): office for office in Office.objects.all()}
        self.opening = {}

    def check_row(self, row):
        values = dict(row.values)
        area = self.areas.find(values.pop("area"))
        status = fold(values.get("status") or "")
        if status not in self.statuses:
            raise ValidationError(
                _(
                    "status: write one of open, initiated, inactive, closed (or otvorena, inicirana, neaktivna, zatvorena)."
                )
            )
        values["status"] = self.statuses[status]
        instance = self.existing.get((area.pk, fold(values.get("name") or "")))
        row.action = RowResult.UPDATE if instance else RowResult.CREATE
        row.lifecycle = {name: getattr(instance, name) for name in LIFECYCLE_FIELDS} if instance else None
        row.status_change = None
        form = OfficeRowForm(self.form_data(OfficeRowForm, values, instance), instance=instance, area=area)
        row.form = form
        if not form.is_valid():
            raise ValidationError(self.form_errors(form))
        if instance is not None:
            row.status_change = self.check_status_change(instance, row.lifecycle, form.cleaned_data)
        # The form leaves the area out, so the constraints on it are checked here.
        form.instance.validate_constraints()
        if values["status"] == OfficeStatus.OPEN:
            earlier = self.opening.setdefault(area.pk, row.number)
            if earlier != row.number:
                raise ValidationError(
                    _("Row %(row)s already opens an office in %(area)s: a local self-government has one open office.")
                    % {"row": earlier, "area": area.name}
                )

    def check_status_change(self, office, before, cleaned):
        """An existing office's new status in the file is a dated step of its history, as in the admin.

        Returns (status, date) or None. Only the status and the date of the step may change; other
        lifecycle dates are corrected in the office's history in the admin, and a reopening needs its own date.
        """
        after = {name: cleaned.get(name) for name in LIFECYCLE_FIELDS}
        if after == before:
            return None
        status, step_field = after["status"], None
        if status != before["status"]:
            if status == OfficeStatus.OPEN and before["status"] == OfficeStatus.INITIATED:
                step_field = "opened_on"
            elif status in OfficeStatus.ended():
                step_field = "closed_on"
        dates = ("initiated_on", "opened_on", "closed_on")
        if step_field is None or any(after[name] != before[name] for name in dates if name != step_field):
            raise ValidationError(
                _(
                    "The status and dates of an existing office change as dated steps of its history: "
                    "record this change on the office's page in the admin."
                )
            )
        current = copy.copy(office)
        for name, value in before.items():
            setattr(current, name, value)
        try:
            office_status_change_validate(office=current, status=status, on=after[step_field])
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return status, after[step_field]

    def save_row(self, row):
        if row.status_change:
            for name, value in row.lifecycle.items():  # the step itself goes through the service
                setattr(row.form.instance, name, value)
        office = row.form.save()
        if row.action == RowResult.CREATE:
            office_history_start(office=office)
        elif row.status_change:
            status, on = row.status_change
            office_change_status(office=office, status=status, on=on)


class CoordinatorRowForm(forms.ModelForm):
    publish_email = YesNoField(required=False)
    publish_phone = YesNoField(required=False)

    class Meta:
        model = Coordinator
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "birth_year",
            "youth_work_since",
            "publish_email",
            "publish_phone",
        ]


class AppointmentDatesForm(forms.Form):
    started_on = SpreadsheetDateField(label=gettext_lazy("coordinator from"))
    ended_on = SpreadsheetDateField(label=gettext_lazy("coordinator until"))


class CoordinatorImporter(Importer):
    """One row a person and, when the row names a municipality, one appointment of theirs.

    A person is recognised by e-mail; without one, by name when exactly one coordinator has it.
    Rows of one file that name the same person are one person (as the export writes them).
    """

    columns = [
        Column("first_name", "ime", ("first_name", "first name"), required=True),
        Column("last_name", "prezime", ("last_name", "last name", "surname"), required=True),
        Column("email", "e-pošta", ("email", "e-mail", "mejl")),
        Column("phone", "telefon", ("phone", "tel")),
        Column("birth_year", "godina rođenja", ("birth_year", "year of birth")),
        Column("youth_work_since", "u radu sa mladima od", ("youth_work_since", "experience since")),
        Column("publish_email", "objavi e-poštu", ("publish_email",)),
        Column("publish_phone", "objavi telefon", ("publish_phone",)),
        Column("area", "opština", ("municipality", "office", "kancelarija", "grad", "jls", "općina")),
        Column("started_on", "koordinator od", ("started_on", "from", "od"), kind="date"),
        Column("ended_on", "koordinator do", ("ended_on", "until", "do"), kind="date"),
    ]

    def prepare(self):
        self.areas = AreaLookup()
        self.by_email = {}
        self.by_name = {}
        for coordinator in Coordinator.objects.all():
            if coordinator.email:
                self.by_email[coordinator.email.lower()] = coordinator
            self.by_name.setdefault(fold(coordinator.full_name), []).append(coordinator)
        self.offices = {}
        # The open office of an area, else the one that opened last.
        # Each office's history comes along: an appointment's check reads its working life from it.
        offices = Office.objects.order_by(F("opened_on").asc(nulls_first=True), "pk").prefetch_related("status_changes")
        for office in offices:
            current = self.offices.get(office.area_id)
            if current is None or current.status != OfficeStatus.OPEN:
                self.offices[office.area_id] = office
        self.appointments = set(Appointment.objects.values_list("coordinator_id", "office_id", "started_on"))
        self.people_in_file = {}
        self.saved = {}

    def person_key(self, values):
        email = str(values.get("email") or "").lower()
        return ("email", email) if email else ("name", fold(f"{values.get('first_name')} {values.get('last_name')}"))

    def existing_person(self, values):
        kind, key = self.person_key(values)
        if kind == "email":
            return self.by_email.get(key)
        namesakes = self.by_name.get(key, [])
        if len(namesakes) > 1:
            raise ValidationError(
                _("%(count)s coordinators are named %(name)s: add the e-mail address to tell them apart.")
                % {"count": len(namesakes), "name": f"{values.get('first_name')} {values.get('last_name')}"}
            )
        return namesakes[0] if namesakes else None

    def check_row(self, row):
        values = row.values
        instance = self.existing_person(values)
        key = self.person_key(values)
        first_row = self.people_in_file.setdefault(key, row.number)
        form = CoordinatorRowForm(self.form_data(CoordinatorRowForm, values, instance), instance=instance)
        errors = []
        if not form.is_valid():
            errors.extend(self.form_errors(form))
        row.appointment = None
        if values.get("area"):
            errors.extend(self.check_appointment(row, values, instance))
        if errors:
            raise ValidationError(errors)
        row.form, row.person_key = form, key
        row.action = RowResult.UPDATE if instance or first_row != row.number else RowResult.CREATE

    def check_appointment(self, row, values, person=None):
        try:
            area = self.areas.find(values["area"])
        except ValidationError as error:
            return error.messages
        office = self.offices.get(area.pk)
        if office is None:
            return [_("%(area)s has no youth office to appoint a coordinator to.") % {"area": area.name}]
        dates = AppointmentDatesForm(
            {"started_on": values.get("started_on", ""), "ended_on": values.get("ended_on", "")}
        )
        if not dates.is_valid():
            return self.form_errors(dates)
        if dates.cleaned_data["started_on"] is None:
            return [_("koordinator od: give the date the appointment started.")]
        appointment = Appointment(office=office, **dates.cleaned_data)
        if person is not None and (person.pk, office.pk, appointment.started_on) in self.appointments:
            row.appointment = appointment  # already recorded: save_row leaves it as it is
            return []
        appointment.coordinator = person
        try:
            appointment.full_clean(exclude=None if person else ["coordinator"])
        except ValidationError as error:
            return error.messages
        row.appointment = appointment
        return []

    def save_row(self, row):
        coordinator = self.saved.get(row.person_key)
        if coordinator is None:
            coordinator = self.saved[row.person_key] = row.form.save()
        appointment = row.appointment
        if appointment is None:
            return
        key = (coordinator.pk, appointment.office_id, appointment.started_on)
        if key not in self.appointments:
            appointment.coordinator = coordinator
            appointment.save()
            self.appointments.add(key)
