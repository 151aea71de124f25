"""Imports of offices and coordinators from real .xlsx and .csv files: all rows or nothing."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from areas.lookup import AreaLookup
from imports.importers import ImportFailed
from imports.reading import SpreadsheetError, read_table
from offices.importers import CoordinatorImport, OfficeImport
from offices.models import Appointment, Coordinator, Office, OfficeStatus
from tests.conftest import free_areas
from tests.imports.files import csv_file, read, run_import, xlsx_file

pytestmark = pytest.mark.django_db

OFFICE_HEADER = ["opština", "naziv", "status", "otvorena", "adresa", "geografska širina", "geografska dužina"]


def preview_of(importer, upload):
    return importer.preview(read(importer, upload))


def snapshot():
    return (Office.objects.count(), Coordinator.objects.count(), Appointment.objects.count())


def refused(importer, upload):
    """Run an import that must fail: nothing is written; the preview (in English) says why."""
    before = snapshot()
    with translation.override("en"), pytest.raises(ImportFailed) as failure:
        run_import(importer, upload)
    assert snapshot() == before
    return failure.value.preview


def test_good_xlsx_creates_offices_with_dates_in_both_formats():
    first, second = free_areas()[:2]
    upload = xlsx_file(
        [
            OFFICE_HEADER,
            [first.name, f"KZM {first.name}", "otvorena", "15.03.2019", "Glavna 1", 44.0, 20.5],
            [second.name.upper(), f"KZM {second.name}", "open", "2020-06-01", "", None, None],
        ]
    )
    before = Office.objects.count()
    assert [row.errors for row in preview_of(OfficeImport(), upload).rows] == [[], []]
    upload.seek(0)
    run_import(OfficeImport(), upload)
    assert Office.objects.count() == before + 2
    office = Office.objects.get(area=first)
    assert (office.name, office.status, str(office.opened_on)) == (f"KZM {first.name}", "open", "2019-03-15")
    assert str(Office.objects.get(area=second).opened_on) == "2020-06-01"


def test_real_excel_dates_are_read():
    from datetime import date

    area = free_areas()[0]
    upload = xlsx_file([OFFICE_HEADER, [area.name, "KZM", "otvorena", date(2021, 4, 9), "", None, None]])
    run_import(OfficeImport(), upload)
    assert Office.objects.get(area=area).opened_on == date(2021, 4, 9)


@pytest.mark.parametrize("spelling", ["Ћуприја", "CUPRIJA", "Cuprija", "ćuprija", "RS-CUPRIJA"])
def test_known_municipality_is_matched_in_any_spelling(spelling):
    upload = csv_file(
        [
            ["opština", "naziv", "status", "otvorena"],
            [spelling, "Kancelarija za mlade Ćuprija", "otvorena", "20.03.2018"],
        ]
    )
    preview = preview_of(OfficeImport(), upload)
    assert preview.rows[0].errors == []
    assert preview.rows[0].action == "unchanged"
    assert Office.objects.filter(area__code="RS-CUPRIJA").count() == 1


def test_city_wins_over_its_city_municipality_of_the_same_name():
    assert AreaLookup().find("Novi Sad").code == "RS-NOVI-SAD"
    assert AreaLookup().find("Palilula (Niš)").code == "RS-NIS-PALILULA"


def test_ambiguous_name_asks_which_one():
    from django.core.exceptions import ValidationError

    with translation.override("en"), pytest.raises(ValidationError) as error:
        AreaLookup().find("Palilula")
    assert "Palilula (Belgrade)" in error.value.messages[0] and "Palilula (Niš)" in error.value.messages[0]


def test_one_bad_row_writes_nothing():
    first, _second, third = free_areas()[:3]
    upload = csv_file(
        [
            ["opština", "naziv", "status", "otvorena"],
            [first.name, "KZM A", "otvorena", "01.02.2019"],
            ["Nepostojeće Selo", "KZM B", "otvorena", "01.02.2019"],
            [third.name, "KZM C", "otvorena", "2019/02/01"],
        ]
    )
    preview = refused(OfficeImport(), upload)
    errors = {row.number: row.errors for row in preview.rows}
    assert errors[2] == []
    assert errors[3] == ["opština: Unknown municipality or city: “Nepostojeće Selo”."]
    assert errors[4][0] == "otvorena: Enter a date as dd.mm.yyyy (15.03.2017) or yyyy-mm-dd (2017-03-15)."


@pytest.mark.parametrize(
    ("row", "field_message"),
    [
        (
            ["RS-ADA", "KZM", "otvorena", "01.01.2090", "", "", ""],
            "otvorena: The opening date cannot be in the future.",
        ),
        (
            ["RS-ADA", "KZM", "zatvorena", "01.01.2020", "", "", ""],
            "Give the date from which the office is inactive or closed.",
        ),
        (
            ["RS-ADA", "KZM", "zatvorena", "01.01.2020", "01.01.2019", "", ""],
            "The closing date cannot be before the opening date.",
        ),
        (["RS-ADA", "KZM", "otvorena", "01.01.2020", "", "45.815", "15.982"], "outside"),
        (["RS-SABAC", "Druga kancelarija", "otvorena", "01.01.2020", "", "", ""], "already has an open youth office"),
        (["RS-ADA", "KZM", "nepoznato", "01.01.2020", "", "", ""], "status"),
        (["RS-ADA", "", "otvorena", "01.01.2020", "", "", ""], "required"),
    ],
)
def test_bad_rows_get_clear_messages_and_nothing_is_written(row, field_message):
    header = ["opština", "naziv", "status", "otvorena", "zatvorena", "geografska širina", "geografska dužina"]
    upload = csv_file([header, row])
    preview = refused(OfficeImport(), upload)
    messages = " ".join(preview.rows[0].errors)
    assert field_message in messages


def test_two_rows_opening_offices_in_one_municipality_are_refused():
    area = free_areas()[0]
    upload = csv_file(
        [
            ["opština", "naziv", "status", "otvorena"],
            [area.name, "KZM 1", "otvorena", "01.01.2020"],
            [area.name, "KZM 2", "otvorena", "01.01.2021"],
        ]
    )
    preview = refused(OfficeImport(), upload)
    assert "Row 2 already opens an office" in preview.rows[1].errors[0]


def test_missing_column_is_named_and_nothing_is_written():
    upload = csv_file([["opština", "naziv"], ["Ada", "KZM Ada"]])
    preview = refused(OfficeImport(), upload)
    assert preview.file_errors == ["The column “status” is missing."]
    assert preview.notes == ["Columns found in the file: “opština”, “naziv”."]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("sr-latn", "Nedostaje kolona „status“."),
        ("sr", "Недостаје колона „статус“."),  # our column's header, in the active script
        ("en", "The column “status” is missing."),
    ],
)
def test_missing_column_message_in_each_language(language, message):
    upload = csv_file([["opština", "naziv"], ["Ada", "KZM Ada"]])
    with translation.override(language):
        preview = preview_of(OfficeImport(), upload)
    assert preview.file_errors[0] == message


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("prazno.csv", b"", "The file is empty."),
        ("tabela.ods", b"abc", "Upload an Excel (.xlsx) or CSV (.csv) file."),
        ("pokvareno.xlsx", b"not a zip file", "This file cannot be read as an Excel workbook (.xlsx)."),
    ],
)
def test_unreadable_files_are_refused_with_a_message(name, content, message):
    with translation.override("en"), pytest.raises(SpreadsheetError) as error:
        read_table(SimpleUploadedFile(name, content))
    assert str(error.value) == message


def test_semicolon_csv_from_excel_is_read():
    area = free_areas()[0]
    upload = csv_file(
        [["opština", "naziv", "status", "otvorena"], [area.name, "KZM", "otvorena", "01.02.2019"]], delimiter=";"
    )
    run_import(OfficeImport(), upload)
    assert Office.objects.filter(area=area).count() == 1


COORDINATOR_HEADER = ["ime", "prezime", "e-pošta", "telefon", "opština", "koordinator od", "koordinator do"]


@pytest.fixture
def vacant_offices(db):
    """Šabac and Ćuprija without their demo coordinators: an office has one coordinator at a time."""
    Appointment.objects.filter(office__area__code__in=["RS-SABAC", "RS-CUPRIJA"]).delete()


def test_coordinators_import_creates_people_and_appointments(vacant_offices):
    upload = xlsx_file(
        [
            COORDINATOR_HEADER,
            ["Đurđa", "Stević", "djurdja.stevic@example.org", "+381 64 111 2233", "Шабац", "01.02.2021", "31.12.2022"],
            ["Nemanja", "Ćirić", "", "", "Ćuprija", "2023-01-15", ""],
        ]
    )
    before = Coordinator.objects.count()
    run_import(CoordinatorImport(), upload)
    assert Coordinator.objects.count() == before + 2
    djurdja = Coordinator.objects.get(email="djurdja.stevic@example.org")
    assert [(a.office.area.code, str(a.started_on), str(a.ended_on)) for a in djurdja.appointments.all()] == [
        ("RS-SABAC", "2021-02-01", "2022-12-31")
    ]
    assert djurdja.publish_phone is False


def test_coordinator_import_twice_adds_nothing_the_second_time(vacant_offices):
    rows = [COORDINATOR_HEADER, ["Đurđa", "Stević", "djurdja.stevic@example.org", "", "Šabac", "01.02.2021", ""]]
    run_import(CoordinatorImport(), xlsx_file(rows))
    counts = snapshot()
    run_import(CoordinatorImport(), xlsx_file(rows))
    assert snapshot() == counts


def test_appointment_ending_before_it_starts_writes_nothing():
    # A name the demo data never gives, so the row is a new coordinator whatever the demo holds.
    upload = csv_file([COORDINATOR_HEADER, ["Vesna", "Ćurčić", "", "", "Šabac", "01.02.2021", "01.01.2021"]])
    preview = refused(CoordinatorImport(), upload)
    assert preview.rows[0].errors == ["koordinator do: An appointment cannot end before it starts."]


def test_a_second_open_ended_coordinator_is_refused(office_a):
    upload = csv_file([COORDINATOR_HEADER, ["Vesna", "Ćurčić", "", "", "Šabac", "01.02.2021", ""]])
    preview = refused(CoordinatorImport(), upload)
    assert preview.rows[0].errors == [
        "This office already has a coordinator with no end date: end that appointment first, "
        "or appoint this person as deputy."
    ]


def test_an_appointment_overlapping_the_office_coordinator_is_refused(vacant_offices, office_a):
    person = Coordinator.objects.create(first_name="Milica", last_name="Živković")
    Appointment.objects.create(
        coordinator=person, office=office_a, started_on=date(2019, 3, 1), ended_on=date(2021, 6, 30)
    )
    upload = csv_file([COORDINATOR_HEADER, ["Vesna", "Ćurčić", "", "", "Šabac", "01.02.2021", "31.12.2022"]])
    preview = refused(CoordinatorImport(), upload)
    assert preview.rows[0].errors == [
        "Milica Živković coordinates this office from 1 Mar 2019 to 30 Jun 2021: an office has one "
        "coordinator at a time. Change the dates, or appoint this person as deputy."
    ]


def test_an_appointment_before_the_office_opened_is_refused(vacant_offices):
    upload = csv_file([COORDINATOR_HEADER, ["Vesna", "Ćurčić", "", "", "Šabac", "01.02.2016", "01.02.2017"]])
    preview = refused(CoordinatorImport(), upload)
    assert preview.rows[0].errors == ["The appointment cannot start before the office opened (24 Jan 2018)."]


def test_updating_an_office_keeps_the_columns_the_file_lacks(office_a):
    office_a.address, office_a.phone = "Karađorđeva 5", "+381 15 350 000"
    office_a.save()
    upload = csv_file([["opština", "naziv", "status", "otvorena"], ["Šabac", office_a.name, "otvorena", "24.01.2018"]])
    run_import(OfficeImport(), upload)
    office_a.refresh_from_db()
    assert (office_a.address, office_a.phone) == ("Karađorđeva 5", "+381 15 350 000")


def test_updating_a_coordinator_keeps_the_columns_the_file_lacks(coordinator_a):
    coordinator_a.phone, coordinator_a.publish_phone, coordinator_a.birth_year = "+381 63 123 456", True, 1990
    coordinator_a.save()
    upload = csv_file([["ime", "prezime", "e-pošta"], [coordinator_a.first_name, "Novoprezimić", coordinator_a.email]])
    run_import(CoordinatorImport(), upload, acknowledged=True)
    coordinator_a.refresh_from_db()
    assert (coordinator_a.last_name, coordinator_a.phone, coordinator_a.publish_phone, coordinator_a.birth_year) == (
        "Novoprezimić",
        "+381 63 123 456",
        True,
        1990,
    )


def test_numbers_and_dates_in_text_cells_and_excel_serial_dates_are_read():
    area = free_areas()[0]
    upload = xlsx_file(
        [[*OFFICE_HEADER, "poštanski broj"], [area.name, 12345, "otvorena", 43000, "", None, None, 15000.0]]
    )
    run_import(OfficeImport(), upload)
    office = Office.objects.get(area=area)
    assert (office.name, str(office.opened_on), office.postal_code) == ("12345", "2017-09-22", "15000")


def test_gps_coordinates_with_many_decimals_are_rounded():
    area = free_areas()[0]
    upload = csv_file([OFFICE_HEADER, [area.name, "KZM", "otvorena", "01.02.2019", "", "44.75601234", "19.69498765"]])
    run_import(OfficeImport(), upload)
    office = Office.objects.get(area=area)
    assert (str(office.latitude), str(office.longitude)) == ("44.75601", "19.69499")


def test_a_duplicated_column_is_a_file_error():
    upload = csv_file([["opština", "naziv", "naziv", "status"], ["Ada", "KZM A", "KZM B", "otvorena"]])
    with translation.override("en"):
        preview = preview_of(OfficeImport(), upload)
    assert preview.file_errors == ["The column “naziv” appears more than once."]


def test_windows_cyrillic_csv_is_read_as_cyrillic():
    content = "naziv;opstina\nКанцеларија за младе;Ћуприја\n".encode("cp1251")
    table = read_table(SimpleUploadedFile("cirilica.csv", content))
    assert [row.cells for row in table.rows] == [["Канцеларија за младе", "Ћуприја"]]


def test_windows_latin_csv_is_read_as_latin():
    table = read_table(SimpleUploadedFile("latinica.csv", "naziv\nKancelarija za mlade Šabac\n".encode("cp1250")))
    assert [row.cells for row in table.rows] == [["Kancelarija za mlade Šabac"]]


def test_namesakes_without_e_mail_are_not_guessed():
    Coordinator.objects.create(first_name="Marko", last_name="Marković", email="marko.1@example.org")
    Coordinator.objects.create(first_name="Marko", last_name="Marković", email="marko.2@example.org")
    upload = csv_file([["ime", "prezime", "telefon"], ["Marko", "Marković", "+381 64 000 0000"]])
    preview = refused(CoordinatorImport(), upload)
    assert "add the e-mail address to tell them apart" in preview.rows[0].errors[0]


def test_one_new_person_on_two_rows_is_one_coordinator_with_two_appointments(vacant_offices):
    upload = csv_file(
        [
            COORDINATOR_HEADER,
            ["Mina", "Đokić", "mina.djokic@example.org", "", "Šabac", "01.01.2019", "31.12.2020"],
            ["Mina", "Đokić", "mina.djokic@example.org", "", "Ćuprija", "01.01.2021", ""],
        ]
    )
    run_import(CoordinatorImport(), upload)
    mina = Coordinator.objects.get(email="mina.djokic@example.org")
    assert sorted(a.office.area.code for a in mina.appointments.all()) == ["RS-CUPRIJA", "RS-SABAC"]


def test_a_coordinator_without_an_appointment_is_imported():
    upload = csv_file([["ime", "prezime", "e-pošta"], ["Vesna", "Ćurčić", "vesna@example.org"]])
    run_import(CoordinatorImport(), upload)
    assert Coordinator.objects.get(email="vesna@example.org").appointments.count() == 0


def test_export_then_import_keeps_phone_numbers(staff_client, office_a):
    from django.urls import reverse

    office_a.phone = "+381 15 123 456"
    office_a.save()
    for action, name in (("export_csv", "izvoz.csv"), ("export_xlsx", "izvoz.xlsx")):
        exported = staff_client.post(
            reverse("admin:offices_office_changelist"), {"action": action, "_selected_action": [office_a.pk]}
        )
        run_import(OfficeImport(), SimpleUploadedFile(name, exported.content))
        office_a.refresh_from_db()
        assert office_a.phone == "+381 15 123 456", name


def export_of(client, admin_url, action, pks):
    from django.urls import reverse

    response = client.post(reverse(admin_url), {"action": action, "_selected_action": pks})
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize(("action", "name"), [("export_xlsx", "izvoz.xlsx"), ("export_csv", "izvoz.csv")])
def test_reimporting_an_unchanged_coordinator_export_changes_nothing(client, staff_user, action, name):
    client.force_login(staff_user)
    people = list(Coordinator.objects.values_list("pk", flat=True))
    content = export_of(client, "admin:offices_coordinator_changelist", action, people)
    histories = (Coordinator.history.count(), Appointment.history.count())
    batch = run_import(CoordinatorImport(), SimpleUploadedFile(name, content))
    assert (batch.created_count, batch.updated_count) == (0, 0)
    assert batch.unchanged_count == batch.rows > 100
    assert (Coordinator.history.count(), Appointment.history.count()) == histories


def test_an_appointment_goes_to_the_office_that_was_working_then():
    area = free_areas()[0]
    old = Office.objects.create(area=area, name="KZM", status="closed", opened_on=date(2016, 1, 1),
                                closed_on=date(2019, 12, 31))  # fmt: skip
    new = Office.objects.create(area=area, name="KZM", status="open", opened_on=date(2023, 3, 1))
    upload = csv_file(
        [
            COORDINATOR_HEADER,
            ["Ivana", "Lazić", "ivana.lazic@example.org", "", area.name, "01.02.2016", "31.12.2019"],
            ["Ivana", "Lazić", "ivana.lazic@example.org", "", area.name, "01.04.2023", ""],
        ]
    )
    run_import(CoordinatorImport(), upload)
    ivana = Coordinator.objects.get(email="ivana.lazic@example.org")
    assert sorted((a.office_id, str(a.started_on)) for a in ivana.appointments.all()) == [
        (old.pk, "2016-02-01"),
        (new.pk, "2023-04-01"),
    ]


def test_every_row_of_a_person_is_applied(coordinator_a):
    first, second = Office.objects.filter(status="open", opened_on__lt=date(2024, 1, 1)).exclude(area__code="RS-SABAC")[
        :2
    ]
    header = ["ime", "prezime", "e-pošta", "kancelarija (oznaka)", "koordinator od", "koordinator do", "uloga"]
    person = [coordinator_a.first_name, coordinator_a.last_name, coordinator_a.email]
    upload = csv_file(
        [
            header,
            [*person, first.slug, "01.02.2024", "30.06.2024", "zamenik"],
            [*person, second.slug, "01.07.2024", "", "deputy coordinator"],
        ]
    )
    run_import(CoordinatorImport(), upload)
    periods = {a.office_id: (str(a.started_on), a.ended_on, a.role) for a in coordinator_a.appointments.all()}
    assert periods[first.pk] == ("2024-02-01", date(2024, 6, 30), "deputy")
    assert periods[second.pk] == ("2024-07-01", None, "deputy")


def test_rows_of_one_person_that_disagree_are_an_error(coordinator_a):
    upload = csv_file(
        [
            ["ime", "prezime", "e-pošta", "telefon"],
            [coordinator_a.first_name, coordinator_a.last_name, coordinator_a.email, "064 111 222"],
            [coordinator_a.first_name, coordinator_a.last_name, coordinator_a.email, "064 333 444"],
        ]
    )
    preview = refused(CoordinatorImport(), upload)
    assert preview.rows[1].errors == ["telefon: row 2 gives this person another value."]


def test_no_office_working_on_the_start_date_is_an_error():
    area = free_areas()[0]
    Office.objects.create(area=area, name="KZM", status="open", opened_on=date(2023, 3, 1))
    Office.objects.create(
        area=area, name="KZM", status="closed", opened_on=date(2016, 3, 1), closed_on=date(2017, 12, 31)
    )
    upload = csv_file([COORDINATOR_HEADER, ["Ivana", "Lazić", "", "", area.name, "01.02.2016", ""]])
    preview = refused(CoordinatorImport(), upload)
    assert preview.rows[0].errors == [
        f"No office of {area.name} was working on 1 Feb 2016 (KZM: 1 Mar 2016–31 Dec 2017; KZM: 1 Mar 2023–)."
    ]


MEMBERSHIP_HEADER = ["opština", "učlanjena", "istupila", "napomena"]


def test_memberships_are_imported_and_a_second_running_one_refused():
    from offices.importers import MembershipImport
    from offices.models import Membership

    first, second = free_areas()[:2]
    Membership.objects.create(area=second, joined_on=date(2015, 9, 1))
    upload = csv_file(
        [
            MEMBERSHIP_HEADER,
            [first.name, "01.03.2014", "", "osnivač"],
            [second.name, "01.03.2016", "", ""],
        ]
    )
    preview = refused(MembershipImport(), upload)
    assert preview.rows[1].errors == [
        f"{second.name} is already a member since 1 Sep 2015: give that membership an end first."
    ]
    upload = csv_file([MEMBERSHIP_HEADER, [first.name, "1.3.2014.", "", "osnivač"]])
    run_import(MembershipImport(), upload)
    assert list(Membership.objects.filter(area=first).values_list("joined_on", "note")) == [
        (date(2014, 3, 1), "osnivač")
    ]


def test_memberships_export_the_current_members_and_round_trip(client, staff_user):
    from django.urls import reverse

    from offices.importers import MembershipImport
    from offices.models import Membership

    first, second = free_areas()[:2]
    Membership.objects.create(area=first, joined_on=date(2014, 3, 1))
    Membership.objects.create(area=second, joined_on=date(2015, 9, 1), left_on=date(2020, 1, 31))
    client.force_login(staff_user)
    url = reverse("admin:offices_membership_changelist")
    current = client.get(url, {"members": "current"}).context["cl"].result_list
    assert first in [m.area for m in current] and second not in [m.area for m in current]
    content = export_of(client, "admin:offices_membership_changelist", "export_xlsx", [m.pk for m in current])
    batch = run_import(MembershipImport(), SimpleUploadedFile("clanstva.xlsx", content))
    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (0, 0, len(current))


def test_a_status_change_in_an_import_goes_through_the_lifecycle_service(coordinator_a, office_a):
    from imports.services import batch_undo
    from offices.models import OfficeStatusChange
    from tests.imports.files import importer_user

    upload = csv_file(
        [
            ["opština", "naziv", "status", "otvorena", "zatvorena"],
            ["Šabac", office_a.name, "zatvorena", "24.01.2018", "30.09.2025"],
        ]
    )
    preview = preview_of(OfficeImport(), upload)
    row = preview.rows[0]
    assert (row.action, row.cells["status"].before, row.cells["status"].shown) == ("update", "otvorena", "zatvorena")
    upload.seek(0)
    batch = run_import(OfficeImport(), upload)
    office_a.refresh_from_db()
    assert (office_a.status, str(office_a.closed_on)) == ("closed", "2025-09-30")
    last = OfficeStatusChange.objects.filter(office=office_a).latest("on")
    assert (last.event, str(last.on), last.recorded_by) == ("closed", "2025-09-30", importer_user())
    assert not office_a.appointments.filter(ended_on__isnull=True).exists()  # ended on the closing day
    batch_undo(batch=batch, user=importer_user())  # the step withdrawn (tests/imports/test_services.py)
    office_a.refresh_from_db()
    assert (office_a.status, office_a.closed_on) == ("open", None)
    assert not OfficeStatusChange.objects.filter(pk=last.pk).exists()


def test_a_status_step_of_an_import_shows_no_code_on_the_office_page(client, office_a):
    from django.urls import reverse

    upload = csv_file([["opština", "naziv", "status", "otvorena", "zatvorena"],
                       ["Šabac", office_a.name, "zatvorena", "24.01.2018", "30.09.2025"]])  # fmt: skip
    batch = run_import(OfficeImport(), upload)
    step = office_a.status_changes.get(on=date(2025, 9, 30))
    page = client.get(reverse("offices:detail", args=[office_a.slug]))
    assert (step.event, step.note) == ("closed", "")
    assert "30. septembra 2025." in page.text
    assert batch.history_reason not in page.text


def test_reopening_by_import_needs_the_date_of_the_change():
    area = free_areas()[0]
    office = Office.objects.create(area=area, name="KZM", status="inactive", opened_on=date(2019, 1, 1),
                                   closed_on=date(2022, 1, 1))  # fmt: skip
    rows = [["opština", "naziv", "status"], [area.name, office.name, "otvorena"]]
    preview = refused(OfficeImport(), csv_file(rows))
    assert preview.rows[0].errors == [
        "The status changes from inactive to open: give the date of the change in the column “promena statusa”."
    ]
    run_import(OfficeImport(), csv_file([[*rows[0], "promena statusa"], [*rows[1], "01.03.2024"]]))
    office.refresh_from_db()
    assert (office.status, office.opened_on, office.closed_on) == ("open", date(2019, 1, 1), None)
    assert list(office.status_changes.values_list("event", flat=True))[-1] == "reopened"


def test_a_new_office_starts_its_history_and_undo_removes_both():
    from imports.services import batch_undo
    from offices.models import OfficeStatusChange
    from tests.imports.files import importer_user

    area = free_areas()[0]
    upload = csv_file([["opština", "naziv", "status", "inicirana", "otvorena"],
                       [area.name, "KZM", "otvorena", "01.09.2023", "01.03.2024"]])  # fmt: skip
    batch = run_import(OfficeImport(), upload)
    office = Office.objects.get(area=area)
    assert list(office.status_changes.values_list("event", "on")) == [
        ("initiated", date(2023, 9, 1)),
        ("opened", date(2024, 3, 1)),
    ]
    batch_undo(batch=batch, user=importer_user())
    assert not Office.objects.filter(area=area).exists()
    assert not OfficeStatusChange.objects.filter(office_id=office.pk).exists()


def test_an_imported_appointment_in_the_inactive_gap_of_a_reopened_office_is_refused():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from offices.services import office_change_status, office_history_start

    area = free_areas()[0]
    office = Office.objects.create(area=area, name="KZM Ada", status=OfficeStatus.OPEN, opened_on=date(2019, 3, 1))
    office_history_start(office=office)
    office_change_status(office=office, status=OfficeStatus.INACTIVE, on=date(2021, 6, 30))
    office_change_status(office=office, status=OfficeStatus.OPEN, on=date(2022, 2, 1))
    rows = [
        COORDINATOR_HEADER,
        ["Vesna", "Ćurčić", "", "", area.name, "01.09.2021", "31.12.2021"],
        ["Ivana", "Kostić", "", "", area.name, "01.03.2019", "30.06.2021"],
        ["Petar", "Đurić", "", "", area.name, "01.02.2022", ""],
    ]
    with CaptureQueriesContext(connection) as queries:
        preview = refused(CoordinatorImport(), csv_file(rows))
    assert [row.errors for row in preview.rows] == [
        [
            "The office did not work from 30 Jun 2021 until it reopened on 1 Feb 2022: "
            "an appointment cannot start in that period."
        ],
        [],
        [],
    ]
    # The histories are read once for the whole file, not once a row.
    assert sum("offices_officestatuschange" in query["sql"] for query in queries.captured_queries) == 1


@pytest.fixture
def ada_office():
    """KZM Ada, initiated 10.01.2019, opened 01.03.2019, with its history and Jelena Ristić coordinating it."""
    from offices.services import office_history_start

    office = Office.objects.create(
        area=free_areas()[0],
        name="KZM Ada",
        status=OfficeStatus.OPEN,
        initiated_on=date(2019, 1, 10),
        opened_on=date(2019, 3, 1),
    )
    office_history_start(office=office)
    jelena = Coordinator.objects.create(first_name="Jelena", last_name="Ristić")
    Appointment.objects.create(coordinator=jelena, office=office, started_on=date(2019, 3, 1))
    return office


LIFECYCLE_HEADER = ["opština", "naziv", "status", "inicirana", "otvorena", "zatvorena"]


def test_an_import_closing_an_office_records_the_step_and_ends_its_appointments(ada_office):
    upload = csv_file(
        [LIFECYCLE_HEADER, [ada_office.area.code, "KZM Ada", "zatvorena", "10.01.2019", "01.03.2019", "30.06.2025"]]
    )
    assert [(row.action, row.errors) for row in preview_of(OfficeImport(), upload).rows] == [("update", [])]
    upload.seek(0)
    run_import(OfficeImport(), upload)
    ada_office.refresh_from_db()
    assert (ada_office.status, ada_office.opened_on, ada_office.closed_on) == (
        OfficeStatus.CLOSED, date(2019, 3, 1), date(2025, 6, 30),
    )  # fmt: skip
    assert list(ada_office.status_changes.values_list("event", "on")) == [
        ("initiated", date(2019, 1, 10)),
        ("opened", date(2019, 3, 1)),
        ("closed", date(2025, 6, 30)),
    ]
    assert list(ada_office.appointments.values_list("ended_on", flat=True)) == [date(2025, 6, 30)]


@pytest.mark.parametrize(
    "row",
    [
        ["otvorena", "10.01.2019", "15.02.2019", ""],  # an opening date typed over
        ["zatvorena", "10.01.2019", "15.02.2019", "30.06.2025"],  # a closing with another opening date
    ],
)
def test_an_import_cannot_type_over_an_existing_offices_lifecycle_dates(ada_office, row):
    upload = csv_file([LIFECYCLE_HEADER, [ada_office.area.code, "KZM Ada", *row]])
    preview = refused(OfficeImport(), upload)
    assert preview.rows[0].errors == [
        "The status and dates of an existing office change as dated steps of its history: "
        "record this change on the office's page in the admin."
    ]
    ada_office.refresh_from_db()
    assert (ada_office.status, ada_office.opened_on, ada_office.status_changes.count()) == (
        OfficeStatus.OPEN, date(2019, 3, 1), 2,
    )  # fmt: skip


def test_an_import_closing_an_office_before_an_appointment_starts_is_refused(ada_office):
    ada_office.appointments.update(started_on=date(2020, 1, 1))
    upload = csv_file(
        [LIFECYCLE_HEADER, [ada_office.area.code, "KZM Ada", "zatvorena", "10.01.2019", "01.03.2019", "31.12.2019"]]
    )
    preview = refused(OfficeImport(), upload)
    assert preview.rows[0].errors == ["1 appointment at this office starts after this date: change or delete it first."]
    assert list(ada_office.appointments.values_list("ended_on", flat=True)) == [None]


def new_offices_file(areas):
    return xlsx_file(
        [["opština", "naziv", "status", "inicirana", "otvorena"]]
        + [
            [area.name, f"Kancelarija za mlade {area.name} – Čačak", "otvorena", "10.01.2019", "01.03.2024"]
            for area in areas
        ]
    )


def test_office_import_writes_the_histories_of_new_offices_in_a_fixed_number_of_queries():
    import uuid

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from imports.models import ImportBatch
    from offices.models import OfficeStatusChange
    from tests.imports.files import importer_user

    def write(areas):
        """The write of a previewed file alone (the preview checks constraints with a query each)."""
        importer = OfficeImport()
        preview = preview_of(importer, new_offices_file(areas))
        batch = ImportBatch.objects.create(token=uuid.uuid4().hex, importer=importer.key, user=importer_user(),
                                           file_name="kancelarije.xlsx", file_size=1, file_sha256="0" * 64)  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            importer.write(preview, batch)
        return batch, len(queries)

    areas = free_areas(11)
    write(areas[:1])  # the content types cached
    _batch, one = write(areas[1:2])
    batch, nine = write(areas[2:])
    assert nine == one
    steps = OfficeStatusChange.objects.filter(office__area__in=areas[2:])
    assert steps.count() == 18
    versions = OfficeStatusChange.history.filter(id__in=steps.values("pk"))
    assert (
        sorted(versions.values_list("history_type", "history_change_reason", "history_user"))
        == [("+", batch.history_reason, batch.user_id)] * 18
    )
    assert batch.records.filter(content_type__model="officestatuschange").count() == 18
