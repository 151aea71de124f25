"""Imports of enrolments and attendance from real .xlsx and .csv files: every row or nothing."""

from decimal import Decimal

import pytest
from django.utils import translation

from imports.importers import ImportFailed
from imports.services import batch_undo
from offices.models import Appointment, Coordinator
from tests.imports.files import csv_file, importer_user, run_import, xlsx_file
from tests.trainings.conftest import make_cohort
from trainings.importers import AttendanceImport, EnrolmentImport
from trainings.models import Attendance, Enrolment, Participant

pytestmark = pytest.mark.django_db

ENROLMENT_HEADER = ["grupa", "ime", "prezime", "e-pošta", "opština", "status"]
ATTENDANCE_HEADER = ["grupa", "ime", "prezime", "e-pošta", "opština", "sesija", "sati"]


def snapshot():
    return (Participant.objects.count(), Enrolment.objects.count(), Attendance.objects.count())


def refused(importer, upload):
    before = snapshot()
    with translation.override("en"), pytest.raises(ImportFailed) as failure:
        run_import(importer, upload)
    assert snapshot() == before
    return [error for row in failure.value.preview.rows for error in row.errors]


def new_cohort(**kwargs):
    return make_cohort(name="Niš — uvoz iz tabele", **kwargs)


def free_coordinators(count):
    people = list(Coordinator.objects.filter(participant__isnull=True).exclude(email="").order_by("pk")[:count])
    assert len(people) == count
    return people


def confirmed(importer, upload):
    try:
        return run_import(importer, upload)
    except ImportFailed as failure:
        raise AssertionError([row.errors for row in failure.preview.rows] + failure.preview.file_errors) from None


def export_rows(importer, queryset):
    return [importer.export_headers(), *importer.export_rows(queryset)]


def test_good_file_enrols_and_records_attendance_and_its_export_changes_nothing():
    cohort = new_cohort(people=0)
    by_email, by_name = free_coordinators(2)
    appointment = Appointment.objects.select_related("office__area").filter(coordinator=by_name).first()
    assert appointment is not None
    upload = xlsx_file(
        [
            ENROLMENT_HEADER,
            [cohort.name, by_email.first_name, by_email.last_name, by_email.email.upper(), "", "upisan"],
            [
                str(cohort.pk),
                by_name.first_name,
                by_name.last_name.upper(),
                "",
                appointment.office.area.name,
                "invited",
            ],
        ]
    )
    batch = confirmed(EnrolmentImport(), upload)
    assert batch.created_count == 2
    enrolments = Enrolment.objects.filter(cohort=cohort).order_by("pk")
    assert [(e.participant.coordinator, e.status) for e in enrolments] == [
        (by_email, "enrolled"),
        (by_name, "invited"),
    ]
    session = cohort.sessions.order_by("held_on").first()
    attendance = csv_file(
        [
            ATTENDANCE_HEADER,
            [cohort.name, by_email.first_name, by_email.last_name, by_email.email, "", session.held_on.strftime("%d.%m.%Y"), "3,5"],
        ],
        delimiter=";",
    )  # fmt: skip
    run_import(AttendanceImport(), attendance)
    assert Attendance.objects.get(enrolment__participant__coordinator=by_email).hours == Decimal("3.5")

    before = snapshot()
    again = confirmed(
        EnrolmentImport(), xlsx_file(export_rows(EnrolmentImport(), Enrolment.objects.filter(cohort=cohort)))
    )
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    again = confirmed(
        AttendanceImport(),
        xlsx_file(export_rows(AttendanceImport(), Attendance.objects.filter(session__cohort=cohort))),
    )
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 1)
    assert snapshot() == before


def test_unknown_coordinator_says_what_was_tried():
    cohort = new_cohort(people=0)
    upload = csv_file([ENROLMENT_HEADER, [cohort.name, "Đorđe", "Nepoznatić", "niko@primer.rs", "", "upisan"]])
    assert refused(EnrolmentImport(), upload) == [
        "Unknown coordinator: no coordinator has the e-mail niko@primer.rs; "
        "no municipality given to find Đorđe Nepoznatić by name."
    ]


def test_full_cohort_refuses_the_row_over_capacity():
    cohort = new_cohort(people=0, capacity=1)
    first, second = free_coordinators(2)
    upload = csv_file(
        [ENROLMENT_HEADER]
        + [[cohort.name, p.first_name, p.last_name, p.email, "", "enrolled"] for p in (first, second)]
    )
    assert refused(EnrolmentImport(), upload) == [f"The cohort {cohort.name} is full: all 1 places are taken."]


def test_hours_above_the_sessions_and_attendance_of_someone_not_enrolled_are_refused():
    cohort = new_cohort(people=1, hours=Decimal("4"))
    enrolled = Enrolment.objects.get(cohort=cohort).participant.coordinator
    [outsider] = free_coordinators(1)
    session = cohort.sessions.order_by("held_on").first()
    day = session.held_on.strftime("%d.%m.%Y")
    upload = csv_file(
        [
            ATTENDANCE_HEADER,
            [cohort.name, enrolled.first_name, enrolled.last_name, enrolled.email, "", day, "5"],
            [cohort.name, outsider.first_name, outsider.last_name, outsider.email, "", day, "2"],
        ]
    )
    assert refused(AttendanceImport(), upload) == [
        f"{enrolled.full_name}: give from 0 to 4.0 hours for the session {session}.",
        f"{outsider.full_name} is not enrolled in {cohort.name}: attendance can only be recorded for someone enrolled.",
    ]


def test_undo_removes_the_enrolments_and_participants_it_created():
    cohort = new_cohort(people=0)
    [person] = free_coordinators(1)
    before = snapshot()
    batch = run_import(
        EnrolmentImport(),
        csv_file([ENROLMENT_HEADER, [cohort.name, person.first_name, person.last_name, person.email, "", ""]]),
    )
    assert snapshot() == (before[0] + 1, before[1] + 1, before[2])
    batch_undo(batch=batch, user=importer_user())
    assert snapshot() == before
