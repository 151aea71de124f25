"""Imports of enrolments and attendance from real .xlsx and .csv files: every row or nothing."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import translation

from imports.importers import ImportFailed
from imports.services import batch_undo
from offices.models import Appointment, Coordinator
from portal.text import to_cyrillic
from tests.imports.files import csv_file, importer_user, read, run_import, xlsx_file
from tests.trainings.conftest import make_cohort, running_cohort
from trainings.importers import AttendanceImport, EnrolmentImport
from trainings.models import Attendance, Enrolment, Participant
from trainings.services import attendance_sheet_save, cohort_close

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


def test_a_participant_the_import_adds_is_found_by_name_in_any_script():
    cohort = new_cohort(people=0)
    [person] = free_coordinators(1)
    row = [cohort.name, person.first_name, person.last_name, person.email, "", "upisan"]

    confirmed(EnrolmentImport(), xlsx_file([ENROLMENT_HEADER, row]))

    participant = Participant.objects.get(coordinator=person)
    imported = participant.search_text
    participant.save()  # what a save in the admin would store
    assert participant.search_text == imported != ""
    found = Participant.objects.filter(enrolments__cohort=cohort).search(to_cyrillic(person.last_name).upper())
    assert list(found) == [participant]


def test_unknown_coordinator_says_what_was_tried():
    cohort = new_cohort(people=0)
    upload = csv_file([ENROLMENT_HEADER, [cohort.name, "Đorđe", "Nepoznatić", "niko@primer.rs", "", "upisan"]])
    assert refused(EnrolmentImport(), upload) == [
        "Unknown person: nobody has the e-mail niko@primer.rs; neither a municipality nor an organisation is "
        "given to find Đorđe Nepoznatić by name. An import adds nobody: add a new participant in the admin first."
    ]


def test_full_cohort_refuses_the_row_over_capacity():
    cohort = new_cohort(people=0, capacity=1)
    first, second = free_coordinators(2)
    upload = csv_file(
        [ENROLMENT_HEADER]
        + [[cohort.name, p.first_name, p.last_name, p.email, "", "enrolled"] for p in (first, second)]
    )
    assert refused(EnrolmentImport(), upload) == [f"The cohort {cohort.name} is full: its 1 place is taken."]


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
    with translation.override("en"):
        session_name = str(session)  # "Uvod u omladinsku politiku (2 Oct 2017)": dates as English writes them
    assert refused(AttendanceImport(), upload) == [
        f"{enrolled.full_name}: give from 0 to 4 h for the session {session_name}.",
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


def test_the_batches_name_an_enrolment_import_by_its_enrolments_not_the_participants_it_also_writes(staff_client):
    from django.urls import reverse

    cohort = new_cohort(people=0)
    [person] = free_coordinators(1)
    run_import(
        EnrolmentImport(),
        csv_file([ENROLMENT_HEADER, [cohort.name, person.first_name, person.last_name, person.email, "", ""]]),
    )
    listing = staff_client.get(reverse("admin:imports_importbatch_changelist"))
    names = re.findall(r'<th class="field-import_name"><a href="[^"]*">([^<]*)</a></th>', listing.text)
    assert names == ["Upisi"]


# Participants who are not coordinators: a youth council member, a partner's youth worker.

PERSON_HEADER = ["grupa", "ime", "prezime", "e-pošta", "opština", "organizacija"]


def council_member(**kwargs):
    values = {"first_name": "Selma", "last_name": "Mujić", "organisation": "Vijeće mladih Cazin"} | kwargs
    return Participant.objects.create(**values)


def test_participant_who_is_not_a_coordinator_is_found_by_own_email_and_by_name_and_organisation():
    cohort = new_cohort(people=0)
    selma = council_member(email="selma.mujic@vijece-cazin.ba")
    nenad = council_member(first_name="Ненад", last_name="Ђурић", organisation="Udruženje Mladi Pčinja")
    before = Participant.objects.count()
    upload = xlsx_file(
        [
            [*PERSON_HEADER, "status"],
            [cohort.name, "Selma", "Mujić", " Selma.Mujic@Vijece-Cazin.BA ", "", "", "upisan"],
            [cohort.name, "Nenad", "Djurić", "", "", "UDRUZENJE MLADI PCINJA", "pozvan"],
        ]
    )

    confirmed(EnrolmentImport(), upload)

    assert Participant.objects.count() == before
    assert dict(Enrolment.objects.filter(cohort=cohort).values_list("participant", "status")) == {
        selma.pk: "enrolled",
        nenad.pk: "invited",
    }
    session = cohort.sessions.order_by("held_on").first()
    day = session.held_on.strftime("%d.%m.%Y")
    confirmed(
        AttendanceImport(),
        csv_file([[*PERSON_HEADER, "sesija", "sati"], [cohort.name, "S", "M", "SELMA.MUJIC@vijece-cazin.ba", "", "", day, "4"]]),
    )  # fmt: skip
    assert Attendance.objects.get(enrolment__participant=selma).hours == Decimal("4")

    again = confirmed(
        EnrolmentImport(), xlsx_file(export_rows(EnrolmentImport(), Enrolment.objects.filter(cohort=cohort)))
    )
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)


def test_two_people_with_one_email_are_an_error_naming_the_count_never_a_guess():
    cohort = new_cohort(people=0)
    council_member(email="savet@cazin.ba")
    council_member(first_name="Emir", last_name="Hodžić", email="Savet@Cazin.ba")
    upload = csv_file([[*PERSON_HEADER, "status"], [cohort.name, "Selma", "Mujić", "savet@cazin.ba", "", "", ""]])

    assert refused(EnrolmentImport(), upload) == [
        "Several people match this row, so none was chosen: 2 people have the e-mail savet@cazin.ba."
    ]


def test_name_matching_a_coordinator_and_a_participant_is_an_error_naming_both_counts():
    cohort = new_cohort(people=0)
    [coordinator] = free_coordinators(1)
    area = Appointment.objects.filter(coordinator=coordinator).select_related("office__area").first().office.area
    council_member(first_name=coordinator.first_name, last_name=coordinator.last_name)
    row = [cohort.name, coordinator.first_name, coordinator.last_name, "", area.name, "Vijeće mladih Cazin", ""]
    name = f"{coordinator.first_name} {coordinator.last_name}"

    assert refused(EnrolmentImport(), csv_file([[*PERSON_HEADER, "status"], row])) == [
        f"Several people match this row, so none was chosen: 1 coordinator named {name} was appointed in "
        f"{area.name}; 1 participant named {name} is from Vijeće mladih Cazin."
    ]


def test_unknown_participant_is_refused_and_nobody_is_created():
    cohort = new_cohort(people=0)
    council_member()
    upload = csv_file(
        [[*PERSON_HEADER, "status"], [cohort.name, "Jovana", "Petrović", "", "", "Vijeće mladih Cazin", ""]]
    )

    assert refused(EnrolmentImport(), upload) == [
        "Unknown person: 0 participants named Jovana Petrović are from Vijeće mladih Cazin. "
        "An import adds nobody: add a new participant in the admin first."
    ]


def test_unknown_participant_message_in_serbian():
    cohort = new_cohort(people=0)
    upload = csv_file(
        [[*PERSON_HEADER, "status"], [cohort.name, "Jovana", "Petrović", "", "", "Savet mladih Užice", ""]]
    )

    with pytest.raises(ImportFailed) as failure:
        run_import(EnrolmentImport(), upload)

    assert [error for row in failure.value.preview.rows for error in row.errors] == [
        "Nepoznata osoba: 0 učesnika sa imenom Jovana Petrović je iz organizacije Savet mladih Užice. "
        "Uvoz nikoga ne dodaje: novog učesnika prvo dodajte u administraciji."
    ]


@pytest.mark.parametrize(
    ("prefix", "words"),
    [("", "po adresi e-pošte"), ("/sr", "по адреси е-поште"), ("/en", "an import never adds people")],
)
def test_import_page_explains_how_people_are_found(client, staff_user, prefix, words):
    client.force_login(staff_user)

    response = client.get(f"{prefix}/admin/trainings/enrolment/import/")

    assert response.status_code == 200
    assert words in response.content.decode()


def test_an_undo_refused_for_records_made_since_names_them_and_the_later_import_to_undo_first(staff_client):
    from django.urls import reverse

    cohort = new_cohort(people=0)
    [person] = free_coordinators(1)
    enrolments = run_import(
        EnrolmentImport(),
        csv_file([ENROLMENT_HEADER, [cohort.name, person.first_name, person.last_name, person.email, "", "upisan"]]),
    )
    session = cohort.sessions.order_by("held_on").first()
    attendance = run_import(
        AttendanceImport(),
        csv_file([ATTENDANCE_HEADER, [cohort.name, person.first_name, person.last_name, person.email, "",
                                      session.held_on.strftime("%d.%m.%Y"), "2"]]),
    )  # fmt: skip
    before = snapshot()
    response = staff_client.post(reverse("admin:imports_importbatch_undo", args=[enrolments.pk]))
    assert "Ništa nije poništeno: zapisi napravljeni u međuvremenu zavise" in response.text
    later = reverse("admin:imports_importbatch_change", args=[attendance.pk])
    assert f'<li><a href="{later}">{attendance}</a></li>' in response.text
    assert str(Attendance.objects.get(enrolment__participant__coordinator=person)) in response.text
    assert snapshot() == before


# "Completed" follows the programme's rule; attendance only of sessions held, in open cohorts


def test_enrolment_import_refuses_completed_and_saves_nothing_in_the_users_language():
    cohort = new_cohort(people=0)
    first, second = free_coordinators(2)
    upload = csv_file(
        [ENROLMENT_HEADER]
        + [[cohort.name, p.first_name, p.last_name, p.email, "", status] for p, status in ((first, "upisan"), (second, "završio"))]
    )  # fmt: skip

    english = refused(EnrolmentImport(), upload)
    with pytest.raises(ImportFailed) as latin:
        run_import(EnrolmentImport(), upload)

    assert english == [
        "status: “completed” cannot be set by hand: Completion follows the programme's rule when the cohort "
        "is closed. Choose invited, enrolled or dropped out."
    ]
    assert [error for row in latin.value.preview.rows for error in row.errors] == [
        "status: „završena obuka“ ne može da se postavi ručno: završetak sledi pravilo programa kada se grupa zatvori. "
        "Izaberite „poslat poziv“, „potvrđen upis“ ili „odustajanje“."
    ]


def test_enrolment_import_changing_an_enrolment_to_completed_is_refused():
    cohort = new_cohort(people=1)
    person = Enrolment.objects.get(cohort=cohort).participant.coordinator
    upload = csv_file(
        [ENROLMENT_HEADER, [cohort.name, person.first_name, person.last_name, person.email, "", "completed"]]
    )

    assert refused(EnrolmentImport(), upload) == [
        "status: “completed” cannot be set by hand: Completion follows the programme's rule when the cohort "
        "is closed. Choose invited, enrolled or dropped out."
    ]
    assert Enrolment.objects.get(cohort=cohort).status == "enrolled"


def test_closed_cohorts_export_imports_again_unchanged_but_a_changed_hour_is_refused():
    cohort = new_cohort(people=1)
    enrolment = Enrolment.objects.get(cohort=cohort)
    person = enrolment.participant.coordinator
    session = cohort.sessions.order_by("held_on").first()
    attendance_sheet_save(cohort=cohort, hours={(s.pk, enrolment.pk): s.hours for s in cohort.sessions.all()})
    cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))

    again = confirmed(
        EnrolmentImport(), xlsx_file(export_rows(EnrolmentImport(), Enrolment.objects.filter(cohort=cohort)))
    )
    hours = confirmed(
        AttendanceImport(),
        xlsx_file(export_rows(AttendanceImport(), Attendance.objects.filter(session__cohort=cohort))),
    )
    changed = csv_file(
        [ATTENDANCE_HEADER, [cohort.name, person.first_name, person.last_name, person.email, "", session.held_on.strftime("%d.%m.%Y"), "2"]]
    )  # fmt: skip

    assert (again.unchanged_count, hours.unchanged_count) == (1, 3)
    assert refused(AttendanceImport(), changed) == [
        f"The cohort {cohort.name} was closed on 1 Mar 2018: its attendance can no longer be changed."
    ]


def test_attendance_import_for_a_session_still_to_come_is_refused():
    cohort = running_cohort(people=1)
    person = Enrolment.objects.get(cohort=cohort).participant.coordinator
    coming = cohort.sessions.order_by("held_on").last()
    upload = xlsx_file(
        [ATTENDANCE_HEADER, [cohort.name, person.first_name, person.last_name, person.email, "", coming.held_on.strftime("%d.%m.%Y"), "4"]]
    )  # fmt: skip

    with translation.override("en"):
        coming_name = str(coming)
    assert refused(AttendanceImport(), upload) == [
        f"The session {coming_name} has not taken place yet: its attendance can be recorded from that day on."
    ]


@pytest.mark.parametrize(
    ("prefix", "words"),
    [("", "uvoz nikad ne postavlja „završena obuka“"), ("/en", "an import never sets “completed”")],
)
def test_enrolment_import_page_says_completed_follows_the_close(client, staff_user, prefix, words):
    client.force_login(staff_user)

    response = client.get(f"{prefix}/admin/trainings/enrolment/import/")

    assert words in response.content.decode()


@pytest.mark.parametrize(
    ("language", "shown", "before", "error"),
    [
        ("sr-latn", "2,5", "4", "sati: Upišite broj, na primer 2,5."),
        ("sr", "2,5", "4", "сати: Упишите број, на пример 2,5."),
        ("en", "2.5", "4", "sati: Enter a number, such as 2.5."),
    ],
)
def test_attendance_preview_shows_hours_in_the_language_and_a_bad_number_gets_an_hours_example(
    language, shown, before, error
):
    cohort = new_cohort(people=2, hours=Decimal("4"))
    first, second = (e.participant.coordinator for e in Enrolment.objects.filter(cohort=cohort).order_by("pk"))
    session = cohort.sessions.order_by("held_on").first()
    day = session.held_on.strftime("%d.%m.%Y")
    row = [cohort.name, first.first_name, first.last_name, first.email, "", day]
    confirmed(AttendanceImport(), csv_file([ATTENDANCE_HEADER, [*row, "4"]]))
    upload = csv_file(
        [
            ATTENDANCE_HEADER,
            [*row, "2.5"],
            [cohort.name, second.first_name, second.last_name, second.email, "", day, "dva i po"],
        ]
    )

    with translation.override(language):
        preview = AttendanceImport().preview(read(AttendanceImport(), upload))

    changed, bad = preview.rows
    assert (changed.cells["hours"].shown, changed.cells["hours"].before) == (shown, before)
    assert bad.errors == [error]


def test_preview_says_whom_each_row_was_matched_to(client, staff_user):
    cohort = new_cohort(people=0)
    by_email, by_name = free_coordinators(2)
    area = Appointment.objects.select_related("office__area").filter(coordinator=by_name).first().office.area
    selma = council_member()  # no e-mail: her organisation tells her apart
    upload = xlsx_file(
        [
            [*PERSON_HEADER, "status"],
            [cohort.name, "x", "y", by_email.email.upper(), "", "", "upisan"],
            [cohort.name, by_name.first_name.lower(), by_name.last_name.lower(), "", area.name, "", "upisan"],
            [cohort.name, "Selma", "Mujić", "", "", "Vijeće mladih Cazin", "upisan"],
        ]
    )
    client.force_login(staff_user)

    response = client.post(reverse("admin:trainings_enrolment_import"), {"file": upload})

    preview = response.context["preview"]
    assert [row.found for row in preview.rows] == [
        f"{by_email.full_name} ({by_email.email})",
        f"{by_name.full_name} ({by_name.email})",
        "Selma Mujić (Vijeće mladih Cazin)",
    ]
    body = response.content.decode()
    assert '<th scope="col">Pronađena osoba</th>' in body
    assert f'<td class="import-found">{by_name.full_name} ({by_name.email})</td>' in body
    assert selma.enrolments.count() == 0  # a preview writes nothing


def test_attendance_preview_names_the_person_found_by_name_and_municipality():
    cohort = new_cohort(people=0)
    [person] = free_coordinators(1)
    person.email = ""
    person.save()
    area = Appointment.objects.select_related("office__area").filter(coordinator=person).first().office.area
    confirmed(
        EnrolmentImport(),
        xlsx_file([ENROLMENT_HEADER, [cohort.name, person.first_name, person.last_name, "", area.name, "upisan"]]),
    )
    day = cohort.sessions.order_by("held_on").first().held_on.strftime("%d.%m.%Y")
    upload = xlsx_file(
        [ATTENDANCE_HEADER, [cohort.name, person.first_name.upper(), person.last_name, "", area.name, day, "2"]]
    )

    preview = AttendanceImport().preview(read(AttendanceImport(), upload))

    assert [row.found for row in preview.rows] == [f"{person.full_name} ({area.name})"]


def test_batch_page_names_each_enrolment_with_what_tells_its_person_apart(client, staff_user):
    cohort = new_cohort(people=0)
    [person] = free_coordinators(1)
    selma = council_member()
    upload = xlsx_file(
        [
            [*PERSON_HEADER, "status"],
            [cohort.name, person.first_name, person.last_name, person.email, "", "", "upisan"],
            [cohort.name, "Selma", "Mujić", "", "", "Vijeće mladih Cazin", "upisan"],
        ]
    )
    batch = confirmed(EnrolmentImport(), upload)
    latest = (
        Appointment.objects.filter(coordinator=person)
        .select_related("office__area")
        .order_by(F("ended_on").desc(nulls_first=True), "-started_on")
        .first()
    )
    detail = latest.office.area.name if latest else person.email
    client.force_login(staff_user)

    body = client.get(reverse("admin:imports_importbatch_change", args=[batch.pk])).content.decode()

    assert f"{person.full_name} ({detail}) – {cohort.name}</a>" in body
    assert f"{selma.full_name} (Vijeće mladih Cazin) – {cohort.name}</a>" in body


@pytest.mark.parametrize(
    ("words", "statuses"),
    [
        (("pozvana", "upisana", "odustala"), ["invited", "enrolled", "dropped_out"]),  # feminine forms
        (("pozvan", "upisan", "odustao"), ["invited", "enrolled", "dropped_out"]),  # the earlier labels
        (("poslat poziv", "POTVRĐEN UPIS", "одустајање"), ["invited", "enrolled", "dropped_out"]),  # today's
    ],
)
def test_enrolment_import_reads_a_status_in_earlier_feminine_and_todays_words(words, statuses):
    cohort = new_cohort(people=0)
    people = free_coordinators(3)
    upload = csv_file(
        [ENROLMENT_HEADER]
        + [[cohort.name, p.first_name, p.last_name, p.email, "", word] for p, word in zip(people, words, strict=True)]
    )

    confirmed(EnrolmentImport(), upload)

    stored = dict(Enrolment.objects.filter(cohort=cohort).values_list("participant__coordinator", "status"))
    assert [stored[p.pk] for p in people] == statuses


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("sr-latn", "status: Upišite jedno od sledećeg: poslat poziv, potvrđen upis, odustajanje."),
        ("en", "status: Write one of: invited, enrolled, dropped out."),
    ],
)
def test_enrolment_import_unknown_status_lists_only_what_may_be_set(language, words):
    cohort = new_cohort(people=0)
    person = free_coordinators(1)[0]
    upload = csv_file([ENROLMENT_HEADER, [cohort.name, person.first_name, person.last_name, person.email, "", "možda"]])

    with translation.override(language), pytest.raises(ImportFailed) as failure:
        run_import(EnrolmentImport(), upload)

    assert [error for row in failure.value.preview.rows for error in row.errors] == [words]
