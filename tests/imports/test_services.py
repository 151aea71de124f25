"""A batch is undone as one, only when nothing changed since; a preview is confirmed at most once."""

import threading
import uuid

import pytest
from django.db import connection
from django.utils import translation

from imports.models import ImportBatch
from imports.services import AlreadyImported, UndoRefused, batch_undo, import_confirm
from offices.importers import CoordinatorImport, OfficeImport
from offices.models import Appointment, Coordinator, Office
from tests.conftest import free_areas
from tests.imports.files import importer_user, read, run_import, xlsx_file

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
    assert office_a.history.latest().history_change_reason == batch.undo_reason


def test_undo_is_refused_and_undoes_nothing_when_a_record_changed_since(office_a):
    area = free_areas()[0]
    batch = run_import(OfficeImport(), office_file(area))
    office_a.refresh_from_db()
    office_a.description = "Izmenjeno posle uvoza."
    office_a.save()
    with translation.override("en"), pytest.raises(UndoRefused) as refusal:
        batch_undo(batch=batch, user=importer_user())
    assert str(refusal.value) == "Nothing was undone: 1 records changed after this import."
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
