"""Spreadsheet imports (and exports) of offices, coordinators with their appointments, and memberships.

Each is a declaration on the imports framework: its columns and its row rule. Records are found
once (prepare), so a row costs no query; the framework writes them in bulk with history.
"""

import copy
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from areas.lookup import AreaLookup
from imports.columns import (
    EMPTY,
    AreaColumn,
    ChoiceColumn,
    DateColumn,
    DecimalColumn,
    IntegerColumn,
    PhoneColumn,
    TextColumn,
    YesNoColumn,
)
from imports.importers import (
    Import,
    Save,
    UndoRefused,
    carries_less,
    check_constraints,
    record_label,
    spelled_apart,
)
from imports.models import ImportRecord
from imports.services import changed_since, versions_before
from portal.text import in_active_script, search_fold

from .models import (
    Appointment,
    AppointmentRole,
    Coordinator,
    Membership,
    Office,
    OfficeStatus,
    OfficeStatusChange,
    period_within,
)
from .services import (
    office_change_status,
    office_status_change_validate,
    office_status_change_withdraw,
    office_status_change_withdraw_validate,
    offices_history_start,
)

MUNICIPALITY = ("municipality", "grad", "jls", "lsg", "opstina/grad", "općina", "opština", "општина")
OFFICE_MARK = ("kancelarija (oznaka)", "oznaka", "slug", "office", "adresa na sajtu")


def show_date(value):
    return date_format(value, "SHORT_DATE_FORMAT") if value else "—"


def constraint_error(model, name, field=None):
    """The ValidationError a model's named constraint gives: one message, whether the import checks
    the rule in memory or the database refuses the row (under `field`'s column when given)."""
    constraint = next(c for c in model._meta.constraints if c.name == name)
    error = ValidationError(constraint.get_violation_error_message(), code=name)
    return ValidationError({field: error}) if field else error


class OfficeImport(Import):
    """A row an office. An office is found by its mark (the export writes it), else by its municipality
    and name (and opening date, where one municipality had several offices of one name)."""

    write_order = [Office]
    columns = [
        AreaColumn("area", "opština", aliases=MUNICIPALITY, required=True),
        TextColumn("name", "naziv", aliases=("name", "kancelarija"), required=True),
        ChoiceColumn(
            "status",
            "status",
            aliases=("stanje",),
            required=True,
            choices=OfficeStatus,
            words={"otvorena": "open", "zatvorena": "closed", "neaktivna": "inactive", "inicirana": "initiated"},
        ),
        DateColumn("initiated_on", "inicirana", aliases=("initiated_on", "initiated")),
        DateColumn("opened_on", "otvorena", aliases=("opened_on", "opened", "datum otvaranja")),
        DateColumn("closed_on", "zatvorena", aliases=("closed_on", "closed", "datum zatvaranja")),
        TextColumn("address", "adresa", aliases=("address",)),
        TextColumn("postal_code", "poštanski broj", aliases=("postal_code", "ptt")),
        DecimalColumn("latitude", "geografska širina", aliases=("latitude", "lat", "sirina"), example="44.81543"),
        DecimalColumn(
            "longitude", "geografska dužina", aliases=("longitude", "lon", "lng", "duzina"), example="20.46034"
        ),
        TextColumn("email", "e-pošta", aliases=("email", "e-mail", "mejl")),
        PhoneColumn("phone", "telefon", aliases=("phone", "tel")),
        TextColumn("website", "veb-sajt", aliases=("website", "sajt", "web")),
        TextColumn("working_hours", "radno vreme", aliases=("working_hours", "radno vrijeme")),
        TextColumn("description", "opis", aliases=("description",)),
        TextColumn("slug", "oznaka", aliases=OFFICE_MARK),
        DateColumn(
            "status_changed_on", "promena statusa", aliases=("status_changed_on", "datum promene"), export=False
        ),
    ]
    FIELDS = [column.field for column in columns if column.field not in ("slug", "status_changed_on")]
    LIFECYCLE = ["status", "opened_on", "closed_on"]

    def prepare(self, rows, mapping):
        self.areas = AreaLookup()
        offices = list(Office.objects.select_related("area__parent"))  # the parent's names are in its search text
        self.by_slug = {office.slug: office for office in offices}
        self.by_name = {}
        for office in offices:
            self.by_name.setdefault((office.area_id, search_fold(office.name)), []).append(office)
        self.slugs = set(self.by_slug)
        self.in_file = {}  # the office a row is about → the first row about it
        self.open_in_db = {office.pk: office.area_id for office in offices if office.status == OfficeStatus.OPEN}

    def prepare_export(self):
        self.areas = AreaLookup()

    def export_records(self, queryset):
        return queryset.select_related("area", "area__parent")

    def find(self, row, area, name):
        slug = self.given(row, "slug")
        if slug:
            office = self.by_slug.get(slug)
            if office is None or office.area_id != area.pk:
                raise ValidationError({"slug": _("No office of %(area)s has the mark “%(slug)s”.")
                                       % {"area": area.local_name, "slug": slug}})  # fmt: skip
            return office
        namesakes = self.by_name.get((area.pk, search_fold(name)), [])
        opened_on = self.given(row, "opened_on")
        if len(namesakes) > 1:
            namesakes = [office for office in namesakes if office.opened_on == opened_on]
            if len(namesakes) > 1:
                raise ValidationError(
                    _("%(area)s has several offices named “%(name)s”: add the column “oznaka” (the export writes it).")
                    % {"area": area.local_name, "name": name}
                )
        return namesakes[0] if namesakes else None

    def check_row(self, row):
        area, name = self.given(row, "area"), self.given(row, "name")
        office = self.find(row, area, name)
        created = office is None
        if created:
            office = Office(area=area)
        key = office.pk if office.pk else (area.pk, search_fold(name), self.given(row, "opened_on"))
        earlier = self.in_file.setdefault(key, row.number)
        if earlier != row.number:
            raise ValidationError(
                _("Row %(row)s is about this office already (the same municipality, name and opening date): "
                  "an import never creates two offices for one.") % {"row": earlier}
            )  # fmt: skip
        row.office = office
        status = self.given(row, "status")
        if created or status == office.status:
            if not created:
                self.check_lifecycle_dates(row, office, status)
            save = self.apply_values(row, office, self.FIELDS, created=created)
            self.validate(office, exclude=["slug", "search_text"])
            if save.created or set(save.fields) & {"status", "opened_on", "closed_on", "initiated_on"}:
                check_constraints(office, exclude=["area"])  # the file's own rule replaces the one on area
            row.saves.append(save)
            return
        # A new status is a dated step of the office's history, taken by the lifecycle service.
        self.check_lifecycle_dates(row, office, status)
        before = copy.copy(office)
        save = self.apply_values(row, office, [f for f in self.FIELDS if f not in self.LIFECYCLE], created=False)
        self.validate(office, exclude=["slug", "search_text"])
        on = self.status_date(row, before, status)
        office_status_change_validate(office=before, status=status, on=on)
        row.cells["status"].before = self.column("status").show(before.status, self)
        row.saves.append(save)
        row.status_change = (status, on)
        row.service_changes.append("status")
        row.notes.append(_("Status change recorded in the office's history on %(date)s.") % {"date": show_date(on)})

    def check_lifecycle_dates(self, row, office, status):
        """An existing office's dates change only as the dated step of a new status (its history's
        services correct the rest, on the office's page)."""
        step = None
        if status != office.status:
            if status == OfficeStatus.OPEN and office.status == OfficeStatus.INITIATED:
                step = "opened_on"
            elif status in OfficeStatus.ended():
                step = "closed_on"
        for name in ("initiated_on", "opened_on", "closed_on"):
            value = self.given(row, name)
            if name != step and name in row.values and value != getattr(office, name):
                if value is None and not self.clear_empty:
                    continue
                raise ValidationError(
                    _("The status and dates of an existing office change as dated steps of its history: "
                      "record this change on the office's page in the admin.")
                )  # fmt: skip

    def status_date(self, row, office, status):
        on = self.given(row, "status_changed_on")
        if on is None and status == OfficeStatus.OPEN and office.status == OfficeStatus.INITIATED:
            on = self.given(row, "opened_on")
        if on is None and status in OfficeStatus.ended():
            on = self.given(row, "closed_on")
        if on is None:
            raise ValidationError(
                _("The status changes from %(old)s to %(new)s: give the date of the change in the column "
                  "“promena statusa”.")
                % {"old": OfficeStatus(office.status).label, "new": OfficeStatus(status).label}
            )  # fmt: skip
        return on

    def write(self, preview, batch):
        super().write(preview, batch)
        records = []
        content_type = ContentType.objects.get_for_model(OfficeStatusChange)
        office_type = ContentType.objects.get_for_model(Office)
        position = batch.records.count()
        # A new office's history starts with its dates, written for every new office at once; undoing
        # the batch deletes both.
        new_offices = {}
        for row in preview.rows:
            office = getattr(row, "office", None)
            if office is not None and any(save.created for save in row.saves):
                new_offices[office.pk] = (row, office)
        started = offices_history_start(
            offices=[office for _row, office in new_offices.values()], user=batch.user, reason=batch.history_reason
        )
        for change in started:
            records.append(ImportRecord(batch=batch, content_type=content_type, object_id=change.pk,
                                        row=new_offices[change.office_id][0].number,
                                        action=ImportRecord.Action.CREATED, position=position,
                                        label=record_label(change)))  # fmt: skip
            position += 1
        for row in preview.rows:
            office = getattr(row, "office", None)
            if office is None or office.pk in new_offices:
                continue
            if getattr(row, "status_change", None):
                status, on = row.status_change
                office_change_status(office=office, status=status, on=on, user=batch.user,
                                     reason=batch.history_reason)  # fmt: skip
                records.append(ImportRecord(batch=batch, content_type=office_type, object_id=office.pk,
                                            row=row.number, action=ImportRecord.Action.STATUS, position=position,
                                            label=record_label(office)))  # fmt: skip
                position += 1
        ImportRecord.objects.bulk_create(records)

    def check_file(self, preview):
        """One open office per municipality, as the file would leave them."""
        open_by_area = {}
        touched = set()
        for row in preview.rows:
            office = getattr(row, "office", None)
            if office is None or row.errors:
                continue
            if office.pk:
                touched.add(office.pk)
            status = row.status_change[0] if getattr(row, "status_change", None) else office.status
            if status == OfficeStatus.OPEN:
                open_by_area.setdefault(office.area_id, []).append(row)
        for pk, area_id in self.open_in_db.items():
            if pk not in touched:
                open_by_area.setdefault(area_id, []).insert(0, None)
        for rows in open_by_area.values():
            first = rows[0]
            for row in rows[1:]:
                if first is None:
                    message = _("%(area)s already has an open youth office: a local self-government has one.")
                else:
                    message = _("Row %(row)s already opens an office in %(area)s: a local self-government has "
                                "one open office.")  # fmt: skip
                row.errors.append(message % {"row": getattr(first, "number", ""), "area": row.office.area.local_name})

    # Undo: a status step the batch recorded is withdrawn (simple-history keeps it), and the
    # appointments it ended get their versions before the batch back.

    service_undo_permissions = ["offices.delete_officestatuschange", "offices.change_appointment"]
    service_undo_note = gettext_lazy(
        "The office status changes it recorded are withdrawn from the offices' histories (the record of changes "
        "keeps them), and the appointments they ended run again as before. It is refused if an office, its "
        "history or those appointments changed since."
    )

    def check_service_undo(self, batch, changed):
        steps, refused = self.status_steps(batch)
        if refused:
            changed = changed + [(Office, pk) for pk, _name in refused if (Office, pk) not in changed]
            raise UndoRefused(
                ngettext(
                    "Nothing was undone: the status or appointments of %(offices)s changed after this import, "
                    "or a later step of their history exists; %(count)s record changed in all.",
                    "Nothing was undone: the status or appointments of %(offices)s changed after this import, "
                    "or a later step of their history exists; %(count)s records changed in all.",
                    len(changed),
                )
                % {"offices": ", ".join(name for _pk, name in refused), "count": len(changed)},
                changed,
            )  # fmt: skip
        return steps

    def undo_service_changes(self, batch, steps, *, user):
        for change, appointment_ids in steps:
            self.status_step_undo(batch, change, appointment_ids, user=user)

    @staticmethod
    def status_steps(batch):
        """The status steps the batch recorded, the last first, as (step, ids of the appointments it ended),
        and the offices (pk, name) whose step can no longer be withdrawn: the office, the step or those
        appointments changed since (their latest history row is not the batch's), or a later step exists."""
        reason = batch.history_reason
        records = batch.records.filter(action=ImportRecord.Action.STATUS).order_by("-position")
        office_ids = list(records.values_list("object_id", flat=True))
        offices = Office.objects.in_bulk(office_ids)
        step_ids = dict(
            OfficeStatusChange.history.filter(history_change_reason=reason, history_type="+", office_id__in=office_ids)
            .values_list("office_id", "id")
        )  # fmt: skip
        ended = defaultdict(list)
        for office_id, pk in Appointment.history.filter(history_change_reason=reason, office_id__in=office_ids) \
                .values_list("office_id", "id").distinct():  # fmt: skip
            ended[office_id].append(pk)
        appointment_ids = [pk for pks in ended.values() for pk in pks]
        changed = set(changed_since(batch, Office, office_ids))
        changed |= set(changed_since(batch, OfficeStatusChange, list(step_ids.values())))
        changed |= set(changed_since(batch, Appointment, appointment_ids))
        steps, refused = [], []
        step_changes = OfficeStatusChange.objects.in_bulk(list(step_ids.values()))
        for office_id in office_ids:
            office = offices.get(office_id)
            change = step_changes.get(step_ids.get(office_id))
            stale = office is None or change is None or (Office, office_id) in changed
            stale = stale or (OfficeStatusChange, change.pk) in changed
            stale = stale or any((Appointment, pk) in changed for pk in ended[office_id])
            if not stale:
                try:
                    office_status_change_withdraw_validate(change=change)
                except ValidationError:
                    stale = True
            if stale:
                refused.append((office_id, str(office or office_id)))
                continue
            steps.append((change, sorted(ended[office_id])))
        return steps, refused

    @staticmethod
    def status_step_undo(batch, change, appointment_ids, *, user):
        office_status_change_withdraw(change=change, user=user, reason=batch.undo_reason)
        for appointment in versions_before(Appointment, batch, appointment_ids):
            appointment._history_user, appointment._change_reason = user, batch.undo_reason
            try:
                appointment.full_clean(exclude=["id"])  # the row exists: it is its own earlier version
            except ValidationError:
                raise UndoRefused(
                    _("Nothing was undone: the appointment of %(name)s cannot run again as before this import.")
                    % {"name": appointment.coordinator},
                    [(Appointment, appointment.pk)],
                ) from None
            appointment.save()

    def before_write(self, saves):
        super().before_write(saves)
        for save in saves:
            office = save.instance
            if save.created and not office.slug:
                office.slug = office.unique_slug(taken=self.slugs)
                self.slugs.add(office.slug)


class MembershipImport(Import):
    """A row a membership of the association, found by its municipality and joining date."""

    write_order = [Membership]
    columns = [
        AreaColumn("area", "opština", aliases=MUNICIPALITY, required=True),
        DateColumn("joined_on", "učlanjena", aliases=("joined_on", "joined", "član od", "clan od"), required=True),
        DateColumn("left_on", "istupila", aliases=("left_on", "left", "član do", "clan do")),
        TextColumn("note", "napomena", aliases=("note",)),
    ]

    def prepare(self, rows, mapping):
        self.areas = AreaLookup()
        memberships = list(Membership.objects.all())
        self.existing = {(m.area_id, m.joined_on): m for m in memberships}
        self.of_area = defaultdict(list)  # the memberships of an area, stored and the file's: their overlaps
        for membership in memberships:
            self.of_area[membership.area_id].append(membership)
        self.in_file = {}

    def prepare_export(self):
        self.areas = AreaLookup()

    def export_records(self, queryset):
        return queryset.select_related("area", "area__parent")

    def check_row(self, row):
        area, joined_on = self.given(row, "area"), self.given(row, "joined_on")
        earlier = self.in_file.setdefault((area.pk, joined_on), row.number)
        if earlier != row.number:
            raise ValidationError(_("Row %(row)s is about this membership already.") % {"row": earlier})
        membership = self.existing.get((area.pk, joined_on))
        created = membership is None
        if created:
            membership = Membership(area=area)
        else:
            membership.area = area  # the rules' messages name it: no query
        save = self.apply_values(row, membership, ["joined_on", "left_on", "note"], created=created)
        # Its clean(), check_rules(), in check_file; its check constraint, the end after the start, the
        # framework's check_saves(); one running membership below: all in memory, no query a row.
        membership.clean_fields(exclude=["area"])
        if created:
            self.of_area[area.pk].append(membership)
        row.membership = membership
        row.saves.append(save)

    def check_file(self, preview):
        """One running membership and no overlaps (Membership.clean()'s rule) as the file leaves the
        memberships, whatever the order of its rows: against the stored ones and the file's other rows, in
        memory."""
        row_of = {id(row.membership): row.number for row in preview.rows if hasattr(row, "membership")}
        for row in preview.rows:
            membership = getattr(row, "membership", None)
            if membership is None or row.errors or not any(save.created or save.fields for save in row.saves):
                continue
            others = sorted(self.of_area[membership.area_id], key=lambda other: other.joined_on)
            running = next((other for other in others if other is not membership and other.left_on is None), None)
            other = None
            try:
                if membership.left_on is None and running is not None:
                    other = running
                    raise ValidationError(
                        _("%(area)s is already a member since %(date)s: give that membership an end first.")
                        % {"area": membership.area.local_name, "date": show_date(running.joined_on)}
                    )
                other = membership.first_overlapping(others)
                membership.check_rules(others)
            except ValidationError as error:
                self.add_errors(row, error)
                if other is not None and id(other) in row_of:
                    row.errors.append(_("That membership is row %(row)s of this file.") % {"row": row_of[id(other)]})


class CoordinatorImport(Import):
    """A row a person and, when it names an office or a start date, one appointment of theirs.

    A person is recognised by e-mail; without one, by name when exactly one coordinator has it. Every
    row of one person is applied (their cells must agree). An appointment belongs to the office named
    by its mark, else to the municipality's office that was working on the day it started.
    """

    write_order = [Coordinator, Appointment]
    PERSON = ["first_name", "last_name", "email", "phone", "birth_year", "youth_work_since", "publish_email",
              "publish_phone"]  # fmt: skip
    columns = [
        TextColumn("first_name", "ime", aliases=("first_name", "first name"), required=True),
        TextColumn("last_name", "prezime", aliases=("last_name", "last name", "surname"), required=True),
        TextColumn("email", "e-pošta", aliases=("email", "e-mail", "mejl")),
        PhoneColumn("phone", "telefon", aliases=("phone", "tel")),
        IntegerColumn("birth_year", "godina rođenja", aliases=("birth_year", "year of birth")),
        IntegerColumn("youth_work_since", "u radu sa mladima od", aliases=("youth_work_since", "experience since")),
        YesNoColumn("publish_email", "objavi e-poštu", aliases=("publish_email",)),
        YesNoColumn("publish_phone", "objavi telefon", aliases=("publish_phone",)),
        AreaColumn("area", "opština", aliases=MUNICIPALITY),
        TextColumn("office", "kancelarija (oznaka)", aliases=OFFICE_MARK),
        DateColumn("started_on", "koordinator od", aliases=("started_on", "from", "od")),
        DateColumn("ended_on", "koordinator do", aliases=("ended_on", "until", "do")),
        ChoiceColumn("role", "uloga", aliases=("role",), choices=AppointmentRole, words={"zamenik": "deputy"}),
    ]

    def prepare(self, rows, mapping):
        self.areas = AreaLookup()
        self.by_email, self.by_name = {}, {}
        for person in Coordinator.objects.all():
            if person.email:
                self.by_email[person.email.lower()] = person
            self.by_name.setdefault(search_fold(person.full_name), []).append(person)
        # Each office's history comes along: an appointment's check reads its working life from it.
        # In time order: a message lists a municipality's offices so (the default order ties on a name).
        in_time = (F("opened_on").asc(nulls_last=True), "pk")
        offices = list(Office.objects.prefetch_related("status_changes").order_by(*in_time))
        self.offices_by_slug = {office.slug: office for office in offices}
        self.offices_by_area = {}
        for office in offices:
            self.offices_by_area.setdefault(office.area_id, []).append(office)
        people = {person.pk: person for people in self.by_name.values() for person in people}
        self.appointments, self.at_office, self.of_person = {}, {}, {}
        for appointment in Appointment.objects.all():
            appointment.coordinator = people[appointment.coordinator_id]  # the rules' messages name people
            self.appointments[(appointment.coordinator_id, appointment.office_id, appointment.started_on)] = appointment
            self.at_office.setdefault(appointment.office_id, []).append(appointment)
            self.of_person.setdefault((appointment.office_id, appointment.coordinator_id), []).append(appointment)
        self.people = {}  # person key → (coordinator, its Save, {field: (value, row)})
        self.office_note = _("Office: %(office)s (%(slug)s)")
        self.appointments_in_file = {}

    def prepare_export(self):
        self.areas = AreaLookup()

    def export_records(self, queryset):
        people = queryset.prefetch_related("appointments__office__area__parent").order_by(
            "last_name", "first_name", "pk"
        )
        for person in people:
            appointments = sorted(person.appointments.all(), key=lambda a: (a.started_on, a.pk))
            for appointment in appointments or [None]:
                yield person, appointment

    def export_value(self, record, column):
        person, appointment = record
        if column.field in self.PERSON:
            return getattr(person, column.field)
        if appointment is None:
            return None
        if column.field == "area":
            return appointment.office.area
        if column.field == "office":
            return appointment.office.slug
        return getattr(appointment, column.field)

    def person_key(self, row):
        email = (self.given(row, "email") or "").lower()
        if email:
            return ("email", email)
        return ("name", search_fold(f"{self.given(row, 'first_name')} {self.given(row, 'last_name')}"))

    def existing_person(self, row, key):
        kind, value = key
        if kind == "email":
            return self.by_email.get(value)
        namesakes = self.by_name.get(value, [])
        if len(namesakes) > 1:
            raise ValidationError(
                ngettext(
                    "%(count)s coordinator is named %(name)s: add the e-mail address to tell them apart.",
                    "%(count)s coordinators are named %(name)s: add the e-mail address to tell them apart.",
                    len(namesakes),
                )
                % {"count": len(namesakes), "name": f"{self.given(row, 'first_name')} {self.given(row, 'last_name')}"}
            )
        return namesakes[0] if namesakes else None

    def check_row(self, row):
        key = self.person_key(row)
        if key not in self.people:
            person = self.existing_person(row, key)
            created = person is None
            if created:
                person = Coordinator()
            else:
                first_name, last_name = self.given(row, "first_name"), self.given(row, "last_name")
                typed = f"{first_name} {last_name}"
                # The file's spelling that says less than the stored one is no rename (apply_values keeps it).
                kept = carries_less(first_name, person.first_name) and carries_less(last_name, person.last_name)
                if key[0] == "email" and spelled_apart(typed, person.full_name) and not kept:
                    row.acknowledge.append(
                        _("The e-mail %(email)s belongs to %(name)s: this row renames that person. "
                          "If the row is about someone else, give them their own e-mail.")
                        % {"email": person.email, "name": in_active_script(person.full_name)}
                    )  # fmt: skip
                elif key[0] == "email" and spelled_apart(typed, person.full_name):
                    row.acknowledge.append(
                        _("The e-mail %(email)s belongs to %(name)s, whom this row calls “%(typed)s” (đ, dj and d "
                          "are read alike): the stored name is kept. If the row is about someone else, give them "
                          "their own e-mail.")
                        % {"email": person.email, "name": in_active_script(person.full_name), "typed": typed}
                    )  # fmt: skip
                elif key[0] == "name" and spelled_apart(typed, person.full_name):
                    row.acknowledge.append(
                        _("“%(typed)s” is taken to be the coordinator %(name)s (đ, dj and d are read alike): "
                          "if the row is about someone else, give their e-mail.")
                        % {"typed": typed, "name": in_active_script(person.full_name)}
                    )  # fmt: skip
            self.people[key] = (person, Save(person, created), {})
            row.saves.append(self.people[key][1])
        person, save, given = self.people[key]
        errors = []
        for name in self.PERSON:
            if row.values.get(name, EMPTY) is EMPTY:
                continue
            earlier = given.get(name)
            if earlier is not None and earlier[0] != row.values[name]:
                errors.append(
                    _("%(column)s: row %(row)s gives this person another value.")
                    % {"column": self.column(name).label, "row": earlier[1]}
                )
            else:
                given.setdefault(name, (row.values[name], row.number))
        if errors:
            raise ValidationError(errors)
        changes = self.apply_values(row, person, self.PERSON, created=save.created)
        save.fields = sorted(set(save.fields) | set(changes.fields))
        self.validate(person, exclude=["user", "search_text"])
        if person.publish_email and not person.email:
            raise constraint_error(Coordinator, "coordinator_published_email_exists", "publish_email")
        if person.publish_phone and not person.phone:
            raise constraint_error(Coordinator, "coordinator_published_phone_exists", "publish_phone")
        self.check_appointment(row, person)

    def check_appointment(self, row, person):
        area, mark = self.given(row, "area"), self.given(row, "office")
        started_on = self.given(row, "started_on")
        if not (area or mark or started_on or self.given(row, "ended_on")):
            return
        if started_on is None:
            raise ValidationError({"started_on": _("Give the date the appointment started.")})
        office = self.find_office(area, mark, started_on)
        appointment = self.appointments.get((person.pk, office.pk, started_on)) if person.pk else None
        file_key = (id(person), office.pk, started_on)
        earlier = self.appointments_in_file.setdefault(file_key, row.number)
        if earlier != row.number:
            raise ValidationError(_("Row %(row)s has this appointment already.") % {"row": earlier})
        created = appointment is None
        if created:
            appointment = Appointment(coordinator=person, office=office, started_on=started_on)
            self.at_office.setdefault(office.pk, []).append(appointment)
            self.of_person.setdefault((office.pk, self.identity(person)), []).append(appointment)
        save = self.apply_values(row, appointment, ["ended_on", "role"], created=created)
        if save.created or save.fields:
            self.check_appointment_rules(appointment, person)
        row.saves.append(save)
        row.notes.append(self.office_note % {"office": in_active_script(office.name), "slug": office.slug})

    def check_appointment_rules(self, appointment, person):
        """The model's rules and constraints, against the office's appointments as this file leaves them.

        Only the person's own appointments there and the office's coordinators can conflict (deputies
        do not limit each other), so only those are compared: a row costs the same however many
        deputies an office has.
        """
        appointment.clean_fields(exclude=["coordinator", "office"])
        if appointment.ended_on is not None and appointment.ended_on < appointment.started_on:
            raise constraint_error(Appointment, "appointment_ended_after_started", "ended_on")
        own = [other for other in self.of_person.get((appointment.office_id, self.identity(person)), [])
               if other is not appointment]  # fmt: skip
        coordinators = []
        if appointment.role == AppointmentRole.COORDINATOR:
            coordinators = [other for other in self.at_office.get(appointment.office_id, [])
                            if other.role == AppointmentRole.COORDINATOR and other is not appointment]  # fmt: skip
        if appointment.ended_on is None:
            if any(other.ended_on is None for other in own):
                raise constraint_error(Appointment, "appointment_one_open_ended_per_person_and_office")
            if any(other.ended_on is None for other in coordinators):
                raise constraint_error(Appointment, "appointment_one_open_ended_coordinator_per_office")
        appointment.check_rules(own + [other for other in coordinators if other not in own])

    @staticmethod
    def identity(person):
        """A person in this import: their id, or the new record itself before it has one."""
        return person.pk or id(person)

    def find_office(self, area, mark, started_on):
        if mark:
            office = self.offices_by_slug.get(mark)
            if office is None or (area is not None and office.area_id != area.pk):
                raise ValidationError({"office": _("No office has the mark “%(mark)s”%(where)s.")
                                       % {"mark": mark, "where": f" ({area.local_name})" if area else ""}})  # fmt: skip
            return office
        if area is None:
            raise ValidationError({"area": _("Name the municipality of the office.")})
        offices = self.offices_by_area.get(area.pk, [])
        if not offices:
            raise ValidationError(
                _("%(area)s has no youth office to appoint a coordinator to.") % {"area": area.local_name}
            )
        working = [office for office in offices if period_within(office.working_periods(), started_on, started_on)]
        if len(working) == 1:
            return working[0]
        if len(offices) == 1:
            return offices[0]  # the appointment rules say what is wrong with the dates
        if not working:
            raise ValidationError(
                _("No office of %(area)s was working on %(date)s (%(offices)s).")
                % {"area": area.local_name, "date": show_date(started_on), "offices": self.periods(offices)}
            )
        raise ValidationError(
            _("Several offices of %(area)s were working on %(date)s: add the column “kancelarija (oznaka)”.")
            % {"area": area.local_name, "date": show_date(started_on)}
        )

    @staticmethod
    def periods(offices):
        return "; ".join(
            f"{in_active_script(office.name)}: {show_date(office.opened_on or office.initiated_on)}–"
            f"{show_date(office.closed_on) if office.closed_on else ''}"
            for office in offices
        )
