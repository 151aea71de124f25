"""Staff import enrolments and attendance through the admin: a real .xlsx uploaded, its preview and diff,
confirmed once, the batch, its undo; bad files refused with a message in the staff's language and
nothing written; and the same number of queries for a small and a five times larger file."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import Workbook

from imports.models import ImportBatch
from offices.models import Coordinator
from portal.text import to_cyrillic
from tests.factories import AppointmentFactory, staff_with_permissions
from tests.imports.files import latin_leftovers, xlsx_bytes, xlsx_file
from tests.trainings.conftest import make_cohort
from trainings.importers import AttendanceImport, EnrolmentImport
from trainings.models import Attendance, Enrolment, EnrolmentStatus, Participant
from trainings.services import attendance_sheet_save, enrolment_create, participant_for_coordinator

pytestmark = pytest.mark.django_db

ENROLMENT_HEADER = ["Grupa", "Ime", "Prezime", "E-pošta", "Opština", "Status"]
ATTENDANCE_HEADER = ["Grupa", "Ime", "Prezime", "E-pošta", "Opština", "Sesija", "Sati"]


def url(name, language="sr-latn", args=()):
    with translation.override(language):
        return reverse(f"admin:{name}", args=args)


def enrolment_url(language="sr-latn"):
    return url("trainings_enrolment_import", language)


def attendance_url(language="sr-latn"):
    return url("trainings_attendance_import", language)


def snapshot():
    return (Participant.objects.count(), Enrolment.objects.count(), Attendance.objects.count(),
            ImportBatch.objects.count())  # fmt: skip


def text_of(response):
    return " ".join(response.content.decode().split())


def row_html(response, number):
    return text_of(response).split(f'id="row-{number}"')[1].split("</tr>")[0]


@pytest.fixture
def people():
    """Three coordinators appointed in municipalities without an office: Đorđe (found by his e-mail,
    typed in capitals between spaces), Jovana (no e-mail: found by her name and municipality, both typed
    in Cyrillic) and Milica (invited already: the import enrols her)."""
    djordje = AppointmentFactory(
        coordinator__first_name="Đorđe", coordinator__last_name="Živković",
        coordinator__email="djordje.zivkovic@primer.rs",
    ).coordinator  # fmt: skip
    jovana = AppointmentFactory(
        coordinator__first_name="Jovana", coordinator__last_name="Šćekić", coordinator__email=""
    )
    milica = AppointmentFactory(
        coordinator__first_name="Milica", coordinator__last_name="Čolić", coordinator__email="milica.colic@primer.rs"
    ).coordinator
    return djordje, jovana.coordinator, jovana.office.area, milica


@pytest.fixture
def cohort(people):
    """A cohort in Niš with three 4-hour sessions (2, 3 and 4 October 2017); Milica is invited."""
    cohort = make_cohort(people=0, name="Niš, osnovni nivo — IOM")
    milica = people[3]
    enrolment_create(
        cohort=cohort, participant=participant_for_coordinator(coordinator=milica), status=EnrolmentStatus.INVITED
    )
    return cohort


def enrolment_rows(cohort, people):
    jovana_area = people[2]
    return [
        ["Upis u grupe, novembar 2017."],
        [],
        ENROLMENT_HEADER,
        [cohort.name, "Đorđe", "Živković", "  Djordje.Zivkovic@PRIMER.rs ", "", "upisan"],
        [cohort.name, "Јована", "Шћекић", "", to_cyrillic(jovana_area.name), "Upisan"],
        [str(cohort.pk), "Milica", "Čolić", "MILICA.COLIC@primer.rs", "", "enrolled"],
    ]


def test_staff_import_enrolments_preview_confirm_see_the_batch_and_undo_it(staff_client, staff_user, people, cohort):
    djordje, jovana, area, milica = people
    before = snapshot()
    upload = xlsx_file(enrolment_rows(cohort, people), name="upis-novembar.xlsx", title="Upis")

    preview = staff_client.post(enrolment_url(), {"file": upload})

    assert preview.status_code == 200
    page = text_of(preview)
    assert "List „Upis“, zaglavlje u redu 3." in page
    assert "Pročitana su 3 reda: za dodavanje: 2, za izmenu: 1, bez izmena: 0." in page
    jovana_row = row_html(preview, 5)
    assert "<td>dodavanje</td>" in jovana_row
    assert f'<td>{area.name}<small class="typed">upisano: {to_cyrillic(area.name)}</small></td>' in jovana_row
    assert '<td>potvrđen upis<small class="typed">upisano: Upisan</small></td>' in jovana_row
    assert "<td>Djordje.Zivkovic@PRIMER.rs</td>" in row_html(preview, 4)
    assert "<del>poslat poziv</del> → <ins>potvrđen upis</ins>" in row_html(preview, 6)
    assert "<td>izmena</td>" in row_html(preview, 6)
    assert f'— IOM<small class="typed">upisano: {cohort.pk}</small>' in row_html(preview, 6)  # the id, read as the name
    assert snapshot() == before  # a preview writes nothing
    token = preview.context["token"]

    confirmed = staff_client.post(enrolment_url(), {"token": token}, follow=True)

    batch = ImportBatch.objects.get()
    assert confirmed.redirect_chain == [(url("imports_importbatch_change", args=[batch.pk]), 302)]
    assert "Uvezena su 3 reda (dodato: 2, izmenjeno: 1, bez izmena: 0)." in text_of(confirmed)
    assert (batch.user, batch.file_name, batch.rows, batch.created_count, batch.updated_count) == (
        staff_user, "upis-novembar.xlsx", 3, 2, 1,
    )  # fmt: skip
    enrolments = Enrolment.objects.filter(cohort=cohort).select_related("participant__coordinator")
    assert sorted((e.participant.coordinator.last_name, e.status) for e in enrolments) == [
        ("Čolić", "enrolled"), ("Šćekić", "enrolled"), ("Živković", "enrolled"),
    ]  # fmt: skip
    assert snapshot() == (before[0] + 2, before[1] + 2, before[2], before[3] + 1)
    new = Participant.objects.get(coordinator=jovana)
    assert (new.first_name, new.last_name, new.search_text) == ("Jovana", "Šćekić", "jovana scekic")
    assert new.history.latest("history_id").history_change_reason == f"import:{batch.pk}"
    batch_page = text_of(confirmed)
    made = {e.participant.coordinator_id: e for e in enrolments}

    def item(row, kind, record, action):
        """A record as the batch names it: the person with their office's municipality (two people may
        share a name), then for an enrolment its cohort."""
        participant = getattr(record, "participant", record)
        where = participant.coordinator.appointments.select_related("office__area").latest("started_on")
        label = f"{participant} ({where.office.area.name})"
        if record is not participant:
            label = f"{label} – {record.cohort}"
        link = url(f"trainings_{type(record).__name__.lower()}_change", args=[record.pk])
        return f'<li>red {row}: {kind} <a href="{link}">{escape(label)}</a> ({action})</li>'

    assert (
        item(4, "učesnik", made[djordje.pk].participant, "kreirano")
        + item(5, "učesnik", made[jovana.pk].participant, "kreirano")
        + item(4, "upis", made[djordje.pk], "kreirano")
        + item(5, "upis", made[jovana.pk], "kreirano")
        + item(6, "upis", made[milica.pk], "izmenjeno")
    ) in batch_page
    undo = url("imports_importbatch_undo", args=[batch.pk])
    assert undo in batch_page

    undone = staff_client.post(undo, follow=True)

    assert "Uvoz je poništen." in text_of(undone)
    assert snapshot() == (before[0], before[1], before[2], before[3] + 1)
    assert Enrolment.objects.get(cohort=cohort).status == "invited"  # Milica's, as before
    assert not Participant.objects.filter(coordinator__in=[djordje, jovana]).exists()
    batch.refresh_from_db()
    assert (batch.undone_by, batch.undone_at is not None) == (staff_user, True)


def test_staff_import_attendance_with_comma_hours_and_both_date_forms_then_undo(staff_client, people, cohort):
    djordje, _jovana, _area, milica = people
    enrolment_create(cohort=cohort, participant=participant_for_coordinator(coordinator=djordje))
    first = cohort.sessions.order_by("held_on").first()
    milica_enrolment = Enrolment.objects.get(cohort=cohort, participant__coordinator=milica)
    attendance_sheet_save(cohort=cohort, hours={(first.pk, milica_enrolment.pk): Decimal("3")})
    before = snapshot()
    upload = xlsx_file([
        ATTENDANCE_HEADER,
        [cohort.name, "Ђорђе", "Живковић", " DJORDJE.zivkovic@primer.rs", "", "2.10.2017.", "2,5"],
        [cohort.name, "Đorđe", "Živković", "djordje.zivkovic@primer.rs", "", datetime.datetime(2017, 10, 3), 4],
        [cohort.name, "Milica", "Čolić", "Milica.Colic@Primer.rs", "", "02.10.2017", "3,5"],
        [cohort.name, "Milica", "Čolić", "milica.colic@primer.rs", "", "4.10.2017.", "0"],
    ], name="prisustvo-nis.xlsx")  # fmt: skip

    preview = staff_client.post(attendance_url(), {"file": upload})

    page = text_of(preview)
    assert "Pročitana su 4 reda: za dodavanje: 3, za izmenu: 1, bez izmena: 0." in page
    assert (
        '<td>02.10.2017.<small class="typed">upisano: 2.10.2017.</small></td><td>2,5</td>'  # understood as typed
    ) in row_html(preview, 2)
    assert "<td>03.10.2017.</td><td>4</td>" in row_html(preview, 3)  # the same date: not flagged
    assert "<del>3</del> → <ins>3,5</ins>" in row_html(preview, 4)
    assert snapshot() == before
    staff_client.post(attendance_url(), {"token": preview.context["token"]})

    batch = ImportBatch.objects.get()
    hours = {
        (a.enrolment.participant.coordinator.last_name, a.session.held_on.day): a.hours
        for a in Attendance.objects.filter(session__cohort=cohort).select_related(
            "session", "enrolment__participant__coordinator"
        )
    }
    assert hours == {
        ("Živković", 2): Decimal("2.5"), ("Živković", 3): Decimal("4.0"),
        ("Čolić", 2): Decimal("3.5"), ("Čolić", 4): Decimal("0.0"),
    }  # fmt: skip
    assert (batch.created_count, batch.updated_count) == (3, 1)

    staff_client.post(url("imports_importbatch_undo", args=[batch.pk]))

    assert snapshot() == (before[0], before[1], before[2], before[3] + 1)
    assert Attendance.objects.get(session__cohort=cohort).hours == Decimal("3.0")


# Bad files: a message in the staff's language, nothing written ---------------------------------


def refused_in(staff_client, page_url, upload_bytes, name):
    """The preview of a bad file: no confirmation offered, nothing written; its messages."""
    before = snapshot()
    response = staff_client.post(page_url, {"file": SimpleUploadedFile(name, upload_bytes)})
    assert response.status_code == 200
    assert "token" not in response.context
    assert 'name="token"' not in response.content.decode()
    assert snapshot() == before
    preview = response.context.get("preview")
    form = response.context["form"]
    return {
        "rows": [error for row in preview.rows for error in row.errors] if preview else [],
        "file": (preview.file_errors if preview else []) + form.errors.get("file", []),
        "page": text_of(response),
    }


@pytest.fixture
def full_cohort(people):
    """A cohort of one place, taken by Milica."""
    cohort = make_cohort(people=0, capacity=1, name="Kragujevac, napredni nivo — jedno mesto")
    enrolment_create(cohort=cohort, participant=participant_for_coordinator(coordinator=people[3]))
    return cohort


@pytest.fixture
def bad_files(people, cohort, full_cohort):
    """Files of one bad row (or a good row and its duplicate), by case: (the import page, rows)."""
    djordje, _jovana, _area, milica = people
    other = make_cohort(people=0, name="Subotica, srednji nivo")
    other.sessions.filter(held_on=datetime.date(2017, 10, 3)).update(held_on=datetime.date(2017, 11, 21))
    enrolment_create(cohort=cohort, participant=participant_for_coordinator(coordinator=djordje))
    return {
        "unknown coordinator": (
            enrolment_url,
            [ENROLMENT_HEADER, [cohort.name, "Đurđa", "Nepoznatić", "Djurdja@Primer.rs ", "", "upisan"]],
        ),
        "duplicate row": (
            enrolment_url,
            [ENROLMENT_HEADER, [cohort.name, "Milica", "Čolić", milica.email, "", "upisan"],
             [cohort.name, "Милица", "Чолић", milica.email.upper(), "", "pozvan"]],
        ),
        "full cohort": (
            enrolment_url, [ENROLMENT_HEADER, [full_cohort.name, "Đorđe", "Živković", djordje.email, "", "upisan"]],
        ),
        "hours above the session's": (
            attendance_url, [ATTENDANCE_HEADER, [cohort.name, "Đorđe", "Živković", djordje.email, "", "2.10.2017.", "4,5"]],
        ),
        "a session of another cohort": (
            attendance_url,
            [ATTENDANCE_HEADER, [cohort.name, "Đorđe", "Živković", djordje.email, "", "21.11.2017.", "2"]],
        ),
    }  # fmt: skip


EXPECTED = {
    "unknown coordinator": {
        "sr-latn": "Nepoznata osoba: niko nema e-poštu djurdja@primer.rs; nisu navedene ni opština ni organizacija "
        "da bi se osoba Đurđa Nepoznatić pronašla po imenu. Uvoz nikoga ne dodaje: novog učesnika prvo dodajte "
        "u administraciji.",
        "en": "Unknown person: nobody has the e-mail djurdja@primer.rs; neither a municipality nor an organisation "
        "is given to find Đurđa Nepoznatić by name. An import adds nobody: add a new participant in the admin first.",
    },
    "duplicate row": {
        "sr-latn": "Red 2 se već odnosi na ovaj upis.",
        "en": "Row 2 is about this enrolment already.",
    },
    "full cohort": {
        "sr-latn": "Grupa Kragujevac, napredni nivo — jedno mesto je popunjena: zauzeta su sva mesta (1).",
        "en": "The cohort Kragujevac, napredni nivo — jedno mesto is full: its 1 place is taken.",
    },
    "hours above the session's": {
        "sr-latn": "Đorđe Živković: unesite od 0 do 4 h za sesiju Uvod u omladinsku politiku (02.10.2017.).",
        "en": "Đorđe Živković: give from 0 to 4 h for the session Uvod u omladinsku politiku (2 Oct 2017).",
    },
    "a session of another cohort": {
        "sr-latn": "Grupa Niš, osnovni nivo — IOM nema sesiju „21.11.2017.“.",
        "en": "The cohort Niš, osnovni nivo — IOM has no session “21 Nov 2017”.",
    },
}


@pytest.mark.parametrize("language", ["sr-latn", "en"])
@pytest.mark.parametrize("case", list(EXPECTED))
def test_a_bad_row_is_named_in_the_staff_language_and_nothing_is_written(staff_client, bad_files, case, language):
    page_url, rows = bad_files[case]

    found = refused_in(staff_client, page_url(language), xlsx_bytes(rows), "uvoz.xlsx")

    assert found["rows"] == [EXPECTED[case][language]]
    assert EXPECTED[case][language] in found["page"]


EMPTY_FILE_EXPECTED = {
    "empty workbook": {"sr-latn": "Datoteka je prazna.", "en": "The file is empty."},
    "header only": {
        "sr-latn": "Datoteka ima red sa zaglavljem, ali nema redova sa podacima.",
        "en": "The file has a header row but no data rows.",
    },
    "wrong type": {
        "sr-latn": "Otpremite Excel (.xlsx) ili CSV (.csv) datoteku.",
        "en": "Upload an Excel (.xlsx) or CSV (.csv) file.",
    },
    "not a workbook": {
        "sr-latn": "Ova datoteka ne može da se pročita kao Excel radna sveska (.xlsx).",
        "en": "This file cannot be read as an Excel workbook (.xlsx).",
    },
}


def empty_workbook():
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("language", ["sr-latn", "en"])
@pytest.mark.parametrize("case", list(EMPTY_FILE_EXPECTED))
@pytest.mark.parametrize("page_url", [enrolment_url, attendance_url], ids=["enrolments", "attendance"])
def test_an_empty_or_wrong_file_is_refused_in_the_staff_language(staff_client, page_url, case, language):
    header = ENROLMENT_HEADER if page_url is enrolment_url else ATTENDANCE_HEADER
    content, name = {
        "empty workbook": (empty_workbook(), "prazno.xlsx"),
        "header only": (xlsx_bytes([header]), "samo-zaglavlje.xlsx"),
        "wrong type": (b"%PDF-1.4 spisak", "spisak-polaznika.pdf"),
        "not a workbook": ("Полазници: Ђорђе, Јована".encode(), "polaznici.xlsx"),
    }[case]

    found = refused_in(staff_client, page_url(language), content, name)

    assert found["file"] == [EMPTY_FILE_EXPECTED[case][language]]
    assert EMPTY_FILE_EXPECTED[case][language] in found["page"]


# Queries: the same for a small file and a five times larger one ---------------------------------


# (preview, confirm). A preview: the session, the user, then what the import loads once (areas,
# cohorts, coordinators, appointments, participants, enrolments; attendance adds sessions and the
# attendance). A confirm: the same loads again inside its transaction, the batch claimed and saved,
# per model one bulk insert and one bulk update, each with its history rows, the records of the
# batch, the data version. Each file creates some records and updates a third of them: an updated
# attendance once cost two queries more a row (its session and enrolment read lazily).
EXPECTED_QUERIES = {"enrolments": (8, 28), "attendance": (10, 27)}


def queries_of_preview_and_confirm(client, page_url, rows):
    """The queries of a preview and of its confirmation, each from a cold content-type cache (as in a new
    process), so the two files start alike."""
    upload = xlsx_file(rows)
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as preview:
        response = client.post(page_url, {"file": upload})
    assert "token" in response.context, [row.errors for row in response.context["preview"].rows]
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as confirm:
        response = client.post(page_url, {"token": response.context["token"]})
    assert response.status_code == 302
    return len(preview), len(confirm)


def free_coordinators(count):
    people = list(Coordinator.objects.filter(participant__isnull=True).exclude(email="").order_by("pk")[:count])
    assert len(people) == count
    return people


@pytest.mark.parametrize("size", [3])
def test_enrolment_import_costs_the_same_queries_for_n_and_5n_rows(staff_client, size):
    people = free_coordinators(size * 6)
    small_cohort = make_cohort(people=0, name="Vranje, osnovni nivo")
    large_cohort = make_cohort(people=0, name="Zaječar, osnovni nivo")
    groups = [(small_cohort, people[:size]), (large_cohort, people[size:])]
    for cohort, group in groups:  # a third invited already: each file enrols them and creates the rest
        for person in group[::3]:
            participant = participant_for_coordinator(coordinator=person)
            enrolment_create(cohort=cohort, participant=participant, status=EnrolmentStatus.INVITED)
    staff_client.get(enrolment_url())  # the session's first read

    def rows(cohort, group):
        return [ENROLMENT_HEADER] + [
            [cohort.name, p.first_name, p.last_name, f" {p.email.upper()}", "", "upisan"] for p in group
        ]

    small, large = (queries_of_preview_and_confirm(staff_client, enrolment_url(), rows(*group)) for group in groups)

    assert ImportBatch.objects.order_by("pk").values_list("created_count", "updated_count")[::1] == [(2, 1), (10, 5)]
    assert Enrolment.objects.filter(cohort=large_cohort, status="enrolled").count() == 5 * size
    assert large == small == EXPECTED_QUERIES["enrolments"]


@pytest.mark.parametrize("size", [3])
def test_attendance_import_costs_the_same_queries_for_n_and_5n_rows(staff_client, size):
    cohort = make_cohort(people=0, sessions=6, name="Leskovac, srednji nivo")
    people = free_coordinators(size)
    enrolments = [
        enrolment_create(cohort=cohort, participant=participant_for_coordinator(coordinator=person))
        for person in people
    ]
    sessions = list(cohort.sessions.order_by("held_on"))
    # The first person's hours are recorded already: each file changes them and creates the others'.
    attendance_sheet_save(cohort=cohort, hours={(session.pk, enrolments[0].pk): Decimal("2") for session in sessions})
    staff_client.get(attendance_url())

    def rows(chosen_sessions):
        return [ATTENDANCE_HEADER] + [
            [cohort.name, p.first_name, p.last_name, p.email, "", f"{s.held_on.day}.{s.held_on.month}.{s.held_on.year}.",
             "3,5"]
            for s in chosen_sessions for p in people
        ]  # fmt: skip

    small = queries_of_preview_and_confirm(staff_client, attendance_url(), rows(sessions[:1]))
    large = queries_of_preview_and_confirm(staff_client, attendance_url(), rows(sessions[1:]))

    assert ImportBatch.objects.order_by("pk").values_list("created_count", "updated_count")[::1] == [(2, 1), (10, 5)]
    assert set(Attendance.objects.filter(session__cohort=cohort).values_list("hours", flat=True)) == {Decimal("3.5")}
    assert large == small == EXPECTED_QUERIES["attendance"]


@pytest.mark.parametrize(
    ("language", "created", "summary", "undo"),
    [
        (
            "sr-latn",
            "Redovi koji su dodali zapise",
            "Dodato: učesnici (2), upisi (2). Izmenjeno: 0.",
            "koje je ovaj uvoz dodao (4)",
        ),
        (
            "sr",
            "Редови који су додали записе",
            "Додато: учесници (2), уписи (2). Измењено: 0.",
            "које је овај увоз додао (4)",
        ),
        (
            "en",
            "Rows that added records",
            "Added: participants (2), enrolments (2). Changed: 0.",
            "this import created (4)",
        ),
    ],
)
def test_a_batch_counts_its_rows_and_its_records_for_what_they_are(staff_client, language, created, summary, undo):
    from tests.imports.files import run_import
    from trainings.importers import EnrolmentImport

    cohort = make_cohort(people=0, name="Niš, osnovni nivo")
    people = list(Coordinator.objects.filter(participant__isnull=True).exclude(email="").order_by("pk")[:2])
    rows = [[cohort.name, p.first_name, p.last_name, p.email, "", "upisana"] for p in people]
    batch = run_import(EnrolmentImport(), xlsx_file([ENROLMENT_HEADER, *rows]))  # 2 rows: 2 participants, 2 enrolments

    page = staff_client.get(url("imports_importbatch_change", language, [batch.pk])).content.decode()
    undo_page = staff_client.get(url("imports_importbatch_undo", language, [batch.pk])).content.decode()

    assert (batch.rows, batch.created_count) == (2, 2)
    assert f"<label>{created}:</label>" in page
    assert f"<p>{summary}</p>" in page
    assert undo in undo_page


def test_a_refused_undo_of_enrolments_lists_each_changed_one_by_name(staff_client):
    from tests.imports.files import run_import
    from trainings.importers import EnrolmentImport

    cohort = make_cohort(people=0, name="Niš, osnovni nivo")
    people = list(Coordinator.objects.filter(participant__isnull=True).exclude(email="").order_by("pk")[:2])
    rows = [[cohort.name, p.first_name, p.last_name, p.email, "", "pozvana"] for p in people]
    batch = run_import(EnrolmentImport(), xlsx_file([ENROLMENT_HEADER, *rows]))
    changed = Enrolment.objects.get(participant__coordinator=people[0])
    changed.status = EnrolmentStatus.ENROLLED
    changed.save()

    response = staff_client.post(url("imports_importbatch_undo", args=[batch.pk]))

    assert [str(m) for m in response.context["messages"]] == [
        "Ništa nije poništeno: 1 zapis je izmenjen posle ovog uvoza."
    ]
    listed = response.content.decode().split('<ul id="changed-records">')[1].split("</ul>")[0]
    link = url("trainings_enrolment_change", args=[changed.pk])
    assert listed.startswith(f'<li>upis <a href="{link}">{people[0].first_name} {people[0].last_name}')
    assert listed.count("<li>") == 1
    assert Enrolment.objects.filter(cohort=cohort).count() == 2


ENROLMENT_RIGHTS = ("trainings.view_enrolment", "trainings.add_enrolment", "trainings.change_enrolment")


@pytest.mark.parametrize(
    "permissions",
    [(), ("trainings.view_enrolment",), ENROLMENT_RIGHTS],
    ids=["none", "view", "enrolments but not participants"],
)
def test_staff_without_the_rights_to_what_an_enrolment_import_writes_get_403(
    client, staff_client, people, cohort, permissions
):
    """The import adds a coordinator's participant record on their first training: it takes the right to
    add participants too, not only enrolments."""
    token = staff_client.post(enrolment_url(), {"file": xlsx_file(enrolment_rows(cohort, people))}).context["token"]
    client.force_login(staff_with_permissions("ivana.unos", *permissions))
    before = snapshot()

    page = client.get(enrolment_url())
    preview = client.post(enrolment_url(), {"file": xlsx_file(enrolment_rows(cohort, people))})
    confirm = client.post(enrolment_url(), {"token": token})

    assert (page.status_code, preview.status_code, confirm.status_code) == (403, 403, 403)
    assert snapshot() == before


def test_staff_with_the_rights_to_enrolments_and_participants_import_enrolments(client, people, cohort):
    client.force_login(
        staff_with_permissions(
            "ivana.unos", *ENROLMENT_RIGHTS, "trainings.add_participant", "trainings.change_participant"
        )
    )
    before = snapshot()

    preview = client.post(enrolment_url(), {"file": xlsx_file(enrolment_rows(cohort, people))})
    confirm = client.post(enrolment_url(), {"token": preview.context["token"]})

    assert confirm.status_code == 302
    assert snapshot() == (before[0] + 2, before[1] + 2, before[2], before[3] + 1)


@pytest.mark.parametrize(
    ("permissions", "linked"),
    [
        (ENROLMENT_RIGHTS, False),
        ((*ENROLMENT_RIGHTS, "trainings.add_participant", "trainings.change_participant"), True),
    ],
    ids=["enrolments only", "enrolments and participants"],
)
def test_the_list_links_to_the_import_only_for_staff_who_may_import(client, permissions, linked):
    client.force_login(staff_with_permissions("ivana.unos", *permissions))

    page = client.get(url("trainings_enrolment_changelist"))

    assert page.status_code == 200
    assert (f'href="{enrolment_url()}"' in page.text) is linked


@pytest.mark.parametrize("case", ["enrolments", "attendance"])
def test_the_import_page_and_a_preview_with_an_error_row_are_in_cyrillic(staff_client, people, cohort, case):
    djordje = people[0]
    enrolment_create(cohort=cohort, participant=participant_for_coordinator(coordinator=djordje))
    import_class, page_url, rows = {
        "enrolments": (
            EnrolmentImport,
            enrolment_url("sr"),
            [ENROLMENT_HEADER, [cohort.name, "Đurđa", "Nepoznatić", "djurdja@primer.rs", "", "upisan"]],
        ),
        "attendance": (
            AttendanceImport,
            attendance_url("sr"),
            [ATTENDANCE_HEADER, [cohort.name, "Đorđe", "Živković", djordje.email, "", "2.10.2017.", "4,5"]],
        ),
    }[case]
    cells = [cell for row in rows for cell in row] + ["uvoz-proba.xlsx", "Tabela", "Uvod u omladinsku politiku"]

    page = staff_client.get(page_url)
    before = snapshot()
    preview = staff_client.post(page_url, {"file": xlsx_file(rows, name="uvoz-proba.xlsx")})

    assert (page.status_code, preview.status_code) == (200, 200)
    assert page_url.startswith("/sr/admin/")
    assert latin_leftovers(page.text, import_class) == []
    [error] = [error for row in preview.context["preview"].rows for error in row.errors]
    assert re.search("[а-шА-Ш]", error)
    assert latin_leftovers(preview.text, import_class, cells) == []
    assert "token" not in preview.context
    assert snapshot() == before


@pytest.mark.parametrize(
    ("language", "djordje"), [("sr-latn", "Đorđe Živković"), ("sr", "Ђорђе Живковић"), ("en", "Đorđe Živković")]
)
def test_the_preview_and_the_batch_name_people_and_cohorts_in_the_active_script(
    staff_client, people, cohort, language, djordje
):
    upload = xlsx_file(enrolment_rows(cohort, people), name="upis.xlsx")

    preview = staff_client.post(enrolment_url(language), {"file": upload})
    batch_page = staff_client.post(enrolment_url(language), {"token": preview.context["token"]}, follow=True)

    assert f'<td class="import-found">{djordje} (djordje.zivkovic@primer.rs)</td>' in row_html(preview, 4)
    touched = text_of(batch_page).split("field-touched")[1]
    cohort_name = "Ниш, основни ниво — ИОМ" if language == "sr" else "Niš, osnovni nivo — IOM"
    assert re.search(rf"{djordje} \([^)]+\) – {cohort_name}</a>", touched)  # the enrolment, by its person's detail
    assert ("Đorđe" in touched, "Niš," in touched) == (language != "sr", language != "sr")
