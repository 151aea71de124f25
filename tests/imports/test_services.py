"""A batch is undone as one, only when nothing changed since; a preview is confirmed at most once."""

import threading
import uuid
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from imports.models import ImportBatch
from imports.services import AlreadyImported, UndoRefused, batch_undo, import_confirm
from offices.importers import CoordinatorImport, OfficeImport
from offices.models import Appointment, Coordinator, Office, OfficeStatusChange
from offices.services import office_change_status
from tests.conftest import free_areas
from tests.imports.files import csv_file, importer_user, read, run_import, xlsx_file

pytestmark = pytest.mark.django_db

HEADER = ["opština", "naziv", "status", "otvorena", "radno vreme"]


def office_file(area):
    return xlsx_file(
        [
            HEADER,
            ["Šabac", "Kancelarija za mlade Šabac", "otvorena", "24.01.2018", "subotom 10–14"],
            [area.name, f"KZM {area.name}", "otvorena", "01.03.2024", "pon–pet 9–17"],
        ]
    )


def test_undo_deletes_what_the_batch_created_and_restores_what_it_updated(office_a):
    area = free_areas()[0]
    hours = office_a.working_hours
    batch = run_import(OfficeImport(), office_file(area))
    office_a.refresh_from_db()
    assert office_a.working_hours == "subotom 10–14"
    batch_undo(batch=batch, user=importer_user())
    office_a.refresh_from_db()
    assert office_a.working_hours == hours
    assert not Office.objects.filter(area=area).exists()
    batch.refresh_from_db()
    assert (batch.undone_by, batch.undone_at is not None) == (importer_user(), True)
    assert office_a.history.latest("history_id").history_change_reason == batch.undo_reason


def test_undo_after_an_area_was_renamed_finds_the_restored_office_by_the_new_name(office_a):
    batch = run_import(OfficeImport(), office_file(free_areas()[0]))
    sabac = office_a.area
    sabac.name_en = "Shabats"
    sabac.save()

    batch_undo(batch=batch, user=importer_user())

    assert list(Office.objects.search("shabats")) == [office_a]
    restored = office_a.history.latest("history_id")  # the undo's row holds what the office holds
    assert (restored.history_change_reason, restored.search_text) == (
        batch.undo_reason,
        Office.objects.get(pk=office_a.pk).search_text,
    )


def undo_queries(count):
    """The queries of undoing an import that changed the working hours of `count` offices."""
    word = {"open": "otvorena", "closed": "zatvorena", "inactive": "neaktivna", "initiated": "inicirana"}
    offices = Office.objects.select_related("area").order_by("pk")[:count]
    rows = [
        [office.area.name, office.name, word[office.status], f"{number} – 14"]
        for number, office in enumerate(offices, 8)
    ]
    batch = run_import(OfficeImport(), xlsx_file([["opština", "naziv", "status", "radno vreme"], *rows]))
    assert batch.updated_count == count
    with CaptureQueriesContext(connection) as queries:
        batch_undo(batch=batch, user=importer_user())
    return len(queries)


def test_undo_of_updated_offices_costs_the_same_queries_whatever_their_number():
    assert undo_queries(1) == undo_queries(3)


def test_undo_is_refused_and_undoes_nothing_when_a_record_changed_since(office_a):
    area = free_areas()[0]
    batch = run_import(OfficeImport(), office_file(area))
    office_a.refresh_from_db()
    office_a.description = "Izmenjeno posle uvoza."
    office_a.save()
    with translation.override("en"), pytest.raises(UndoRefused) as refusal:
        batch_undo(batch=batch, user=importer_user())
    assert str(refusal.value) == "Nothing was undone: 1 record changed after this import."
    assert refusal.value.changed == [(Office, office_a.pk)]
    office_a.refresh_from_db()
    assert (office_a.working_hours, office_a.description) == ("subotom 10–14", "Izmenjeno posle uvoza.")
    assert Office.objects.filter(area=area).exists()


def test_undo_of_coordinators_removes_their_appointments_first():
    upload = xlsx_file(
        [
            ["ime", "prezime", "e-pošta", "opština", "koordinator od", "uloga"],
            ["Jelena", "Đorđević", "jelena.djordjevic@example.org", "Šabac", "01.02.2024", "zamenik"],
        ]
    )
    before = (Coordinator.objects.count(), Appointment.objects.count())
    batch = run_import(CoordinatorImport(), upload)
    batch_undo(batch=batch, user=importer_user())
    assert (Coordinator.objects.count(), Appointment.objects.count()) == before


def test_undo_twice_is_refused(office_a):
    batch = run_import(OfficeImport(), office_file(free_areas()[0]))
    batch_undo(batch=batch, user=importer_user())
    with translation.override("en"), pytest.raises(UndoRefused) as refusal:
        batch_undo(batch=batch, user=importer_user())
    assert str(refusal.value) == "This import was undone already."


def closing_file(office):
    return xlsx_file(
        [
            ["opština", "naziv", "status", "otvorena", "zatvorena"],
            ["Šabac", office.name, "zatvorena", "24.01.2018", "30.09.2025"],
        ]
    )


def running_appointments(office):
    return list(Appointment.objects.filter(office=office, ended_on__isnull=True).values_list("pk", flat=True))


def test_undo_of_a_closing_withdraws_the_step_and_runs_the_ended_appointments_again(client, office_a, coordinator_a):
    from django.urls import reverse

    steps = list(office_a.status_changes.order_by("on", "pk").values_list("pk", "event", "on"))
    running = running_appointments(office_a)
    assert running
    batch = run_import(OfficeImport(), closing_file(office_a))
    office_a.refresh_from_db()
    assert (office_a.status, office_a.closed_on) == ("closed", date(2025, 9, 30))
    assert running_appointments(office_a) == []
    closing = office_a.status_changes.get(on=date(2025, 9, 30))
    batch_undo(batch=batch, user=importer_user())
    office_a.refresh_from_db()
    assert (office_a.status, office_a.closed_on) == ("open", None)
    assert list(office_a.status_changes.order_by("on", "pk").values_list("pk", "event", "on")) == steps
    withdrawn = OfficeStatusChange.history.filter(id=closing.pk).order_by("history_id")
    assert list(withdrawn.values_list("history_type", "history_change_reason")) == [
        ("+", batch.history_reason),
        ("-", batch.undo_reason),
    ]
    assert running_appointments(office_a) == running
    appointment = Appointment.objects.get(pk=running[0])
    assert appointment.history.latest("history_id").history_change_reason == batch.undo_reason
    page = client.get(reverse("offices:detail", args=[office_a.slug]))
    assert coordinator_a.full_name in page.content.decode()


def test_undo_of_a_closing_is_refused_after_a_later_status_change(office_a):
    batch = run_import(OfficeImport(), closing_file(office_a))
    office_a.refresh_from_db()
    office_change_status(office=office_a, status="open", on=date(2025, 10, 15), user=importer_user())
    steps = list(office_a.status_changes.values_list("pk", "event", "on"))
    with translation.override("en"), pytest.raises(UndoRefused) as refusal:
        batch_undo(batch=batch, user=importer_user())
    assert str(refusal.value) == (
        f"Nothing was undone: the status or appointments of {office_a.name} changed after this import, "
        "or a later step of their history exists; 1 record changed in all."
    )
    assert refusal.value.changed == [(Office, office_a.pk)]
    office_a.refresh_from_db()
    assert (office_a.status, office_a.closed_on) == ("open", None)
    assert list(office_a.status_changes.values_list("pk", "event", "on")) == steps
    assert running_appointments(office_a) == []
    batch.refresh_from_db()
    assert batch.undone_at is None


def test_undo_of_a_closing_is_refused_when_an_ended_appointment_changed_since(office_a):
    batch = run_import(OfficeImport(), closing_file(office_a))
    appointment = Appointment.objects.filter(office=office_a, ended_on=date(2025, 9, 30)).first()
    appointment._change_reason = "Provereno posle uvoza."
    appointment.save()  # a new version, by someone else
    with translation.override("en"), pytest.raises(UndoRefused) as refusal:
        batch_undo(batch=batch, user=importer_user())
    assert refusal.value.changed == [(Office, office_a.pk)]
    office_a.refresh_from_db()
    assert (office_a.status, office_a.closed_on) == ("closed", date(2025, 9, 30))


def test_undo_of_a_closing_and_an_update_of_the_same_office_restores_both(office_a):
    hours = office_a.working_hours
    upload = csv_file(
        [
            ["opština", "naziv", "status", "otvorena", "zatvorena", "radno vreme"],
            ["Šabac", office_a.name, "zatvorena", "24.01.2018", "30.09.2025", "subotom 10–14"],
        ]
    )
    batch = run_import(OfficeImport(), upload)
    batch_undo(batch=batch, user=importer_user())
    office_a.refresh_from_db()
    assert (office_a.status, office_a.closed_on, office_a.working_hours) == ("open", None, hours)


def confirm(upload, token):
    importer = OfficeImport()
    upload.seek(0)
    return import_confirm(importer=importer, table=read(importer, upload), token=token, user=importer_user(),
                          file_name="a.xlsx", file_size=1, file_sha256="0" * 64)  # fmt: skip


def test_a_preview_confirmed_twice_is_written_once(office_a):
    area = free_areas()[0]
    upload, token = office_file(area), uuid.uuid4().hex
    confirm(upload, token)
    with pytest.raises(AlreadyImported):
        confirm(upload, token)
    assert Office.objects.filter(area=area).count() == 1
    assert ImportBatch.objects.filter(token=token).count() == 1


def in_own_connection(work):
    """Run `work` in a thread with its own database connection, committing as a request would."""
    from django.db import connections

    result = []

    def run():
        try:
            result.append(work())
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result[0] if result else None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once need a server database")
def test_two_confirms_at_the_same_moment_write_once():
    # The two requests run in threads with their own connections and commit, as gunicorn workers do;
    # what they wrote is removed at the end (the test's own transaction cannot hold it).
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    area = free_areas()[0]
    content, token = office_file(area).read(), uuid.uuid4().hex
    in_own_connection(importer_user)
    outcomes, barrier = [], threading.Barrier(2)

    def attempt():
        barrier.wait()
        try:
            confirm(SimpleUploadedFile("a.xlsx", content), token)
            outcomes.append("written")
        except AlreadyImported:
            outcomes.append("already imported")

    threads = [threading.Thread(target=in_own_connection, args=[attempt]) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    def written_and_clean_up():
        offices = list(Office.objects.filter(area=area).values_list("pk", flat=True))
        batch = ImportBatch.objects.get(token=token)
        batch_undo(batch=batch, user=batch.user)
        Office.history.filter(id__in=offices).delete()
        Office.history.filter(history_change_reason__in=[batch.history_reason, batch.undo_reason]).delete()
        batch.delete()
        get_user_model().objects.filter(username="uvoz.osoblje").delete()
        return len(offices)

    assert sorted(outcomes) == ["already imported", "written"]
    assert in_own_connection(written_and_clean_up) == 1


def test_the_framework_imports_no_app():
    import ast
    from pathlib import Path

    import imports

    apps = ("offices", "trainings", "accounts", "councils")
    found = []
    for source in Path(imports.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            names += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            found += [(source.name, name) for name in names if name.split(".")[0] in apps]
    assert found == []


def test_undo_of_a_status_step_is_refused_when_its_declaration_is_gone(office_a):
    batch = run_import(OfficeImport(), closing_file(office_a))
    ImportBatch.objects.filter(pk=batch.pk).update(importer="offices.importers.Uklonjeno")
    with translation.override("en"), pytest.raises(UndoRefused) as refusal:
        batch_undo(batch=batch, user=importer_user())
    assert str(refusal.value) == "Nothing was undone: this import made changes it does not know how to undo."
    office_a.refresh_from_db()
    assert (office_a.status, office_a.closed_on) == ("closed", date(2025, 9, 30))
    batch.refresh_from_db()
    assert batch.undone_at is None


def test_undo_of_records_alone_needs_no_declaration(office_a):
    hours = office_a.working_hours
    batch = run_import(OfficeImport(), office_file(free_areas()[0]))
    ImportBatch.objects.filter(pk=batch.pk).update(importer="offices.importers.Uklonjeno")
    batch_undo(batch=batch, user=importer_user())
    office_a.refresh_from_db()
    assert office_a.working_hours == hours


def offices_file(areas, hours):
    return xlsx_file(
        [["opština", "naziv", "status", "otvorena", "radno vreme"]]
        + [
            [area.name, f"Kancelarija za mlade {area.name} – Ćuprija", "otvorena", "01.03.2024", hours]
            for area in areas
        ]
    )


def test_undo_runs_a_fixed_number_of_queries_whatever_the_number_of_records():
    from django.test.utils import CaptureQueriesContext

    def undo_queries(areas):
        """Queries of undoing an update of offices (half the areas), and a creation of offices with their
        status steps (the other half)."""
        half = len(areas) // 2
        run_import(OfficeImport(), offices_file(areas[:half], "pon–pet 9–17"))
        updated = run_import(OfficeImport(), offices_file(areas[:half], "subotom 10–14"))
        created = run_import(OfficeImport(), offices_file(areas[half:], "pon–pet 9–17"))
        with CaptureQueriesContext(connection) as restore:
            batch_undo(batch=updated, user=importer_user())
        hours = Office.objects.filter(area__in=areas[:half]).values_list("working_hours", flat=True)
        assert list(hours) == ["pon–pet 9–17"] * half
        with CaptureQueriesContext(connection) as delete:
            batch_undo(batch=created, user=importer_user())
        return len(restore), len(delete), created

    areas = free_areas(16)
    assert len(areas) == 16
    undo_queries(areas[:2])  # the content types cached
    one = undo_queries(areas[2:4])
    *six, created = undo_queries(areas[4:])
    assert six == list(one[:2])
    areas = areas[10:]
    assert not Office.objects.filter(area__in=areas).exists()
    office_ids = [record.object_id for record in created.records.filter(content_type__model="office")]
    deleted = Office.history.filter(id__in=office_ids, history_type="-")
    assert (
        sorted(deleted.values_list("history_change_reason", "history_user"))
        == [(created.undo_reason, importer_user().pk)] * 6
    )
    step_ids = [record.object_id for record in created.records.filter(content_type__model="officestatuschange")]
    assert len(step_ids) == 6
    versions = OfficeStatusChange.history.filter(id__in=step_ids)
    assert (
        sorted(versions.values_list("history_type", "history_change_reason"))
        == [("+", created.history_reason)] * 6 + [("-", created.undo_reason)] * 6
    )


def test_undo_restores_the_version_just_before_the_batch_of_a_record_with_several(office_a):
    hours = office_a.working_hours
    for description in ("Prva verzija opisa.", "Друга верзија описа."):
        office_a.description = description
        office_a.save()
    batch = run_import(OfficeImport(), office_file(free_areas()[0]))
    batch_undo(batch=batch, user=importer_user())
    office_a.refresh_from_db()
    assert (office_a.working_hours, office_a.description) == (hours, "Druga verzija opisa.")  # stored in Latin
    assert office_a.history.count() == 5  # created, two edits, the import's, the undo's
