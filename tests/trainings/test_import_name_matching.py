"""The enrolment import finds a participant by name and organisation as search reads them (đ, dj and d
alike); a name spelled otherwise is confirmed by staff, two such people are never guessed between."""

import pytest
from django.utils import translation

from imports.importers import ImportFailed
from tests.imports.files import csv_file, read, run_import
from tests.trainings.conftest import make_cohort
from trainings.importers import EnrolmentImport
from trainings.models import Enrolment, Participant

pytestmark = pytest.mark.django_db

HEADER = ["grupa", "ime", "prezime", "e-pošta", "opština", "organizacija", "status"]


def preview_of(rows):
    importer = EnrolmentImport()
    with translation.override("en"):
        return importer.preview(read(importer, csv_file(rows)))


def test_a_participant_spelled_with_d_is_found_by_name_and_organisation_once_staff_confirm_it():
    cohort = make_cohort(name="Subotica — uvoz", people=0)
    djordje = Participant.objects.create(first_name="Đorđe", last_name="Đorđević", organisation="Udruženje Đurđevak")
    before = Participant.objects.count()
    rows = [HEADER, [cohort.name, "Dorde", "Dordevic", "", "", "udruzenje durdevak", "upisan"]]

    preview = preview_of(rows)

    assert [(row.errors, row.acknowledge) for row in preview.rows] == [
        ([], ["“Dorde Dordevic” is taken to be Đorđe Đorđević (đ, dj and d are read alike): if the row is about "
              "someone else, give their e-mail."])
    ]  # fmt: skip
    with pytest.raises(ImportFailed):
        run_import(EnrolmentImport(), csv_file(rows))
    assert not Enrolment.objects.filter(cohort=cohort).exists()

    run_import(EnrolmentImport(), csv_file(rows), acknowledged=True)

    assert Participant.objects.count() == before
    assert list(Enrolment.objects.filter(cohort=cohort).values_list("participant", "status")) == [
        (djordje.pk, "enrolled")
    ]


def test_a_participant_spelled_with_dj_is_found_without_a_question():
    cohort = make_cohort(name="Subotica — uvoz", people=0)
    Participant.objects.create(first_name="Ђорђе", last_name="Ђорђевић", organisation="Udruženje Đurđevak")

    preview = preview_of([HEADER, [cohort.name, "Djordje", "Djordjevic", "", "", "Udruzenje Djurdjevak", "upisan"]])

    assert [(row.errors, row.acknowledge, row.found) for row in preview.rows] == [
        ([], [], "Đorđe Đorđević (Udruženje Đurđevak)")
    ]  # the name typed in Cyrillic is stored (and so shown on a Latin page) in Latin


def test_two_participants_whose_names_search_reads_alike_are_never_guessed_between():
    cohort = make_cohort(name="Subotica — uvoz", people=0)
    Participant.objects.create(first_name="Nađa", last_name="Ilić", organisation="Savet mladih Subotica")
    Participant.objects.create(first_name="Nada", last_name="Ilić", organisation="Savet mladih Subotica")

    preview = preview_of([HEADER, [cohort.name, "Nada", "Ilić", "", "", "Savet mladih Subotica", "upisan"]])

    assert [row.errors for row in preview.rows] == [
        ["Several people match this row, so none was chosen: 2 participants named Nada Ilić are from "
         "Savet mladih Subotica."]
    ]  # fmt: skip
