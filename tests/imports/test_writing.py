"""Export file names: the user's words, in plain ASCII, with the day."""

import pytest
from django.utils import translation

from imports.writing import export_filename, file_response


def test_an_export_name_is_ascii_in_any_script(fixed_today):
    assert export_filename("Članstva u udruženju", extension="csv") == "clanstva-u-udruzenju-2026-06-15.csv"
    assert export_filename("Канцеларије за младе", "Ђурђевдан", extension="xlsx") == (
        "kancelarije-za-mlade-djurdjevdan-2026-06-15.xlsx"
    )


def test_an_export_name_of_no_letters_is_still_a_name(fixed_today):
    assert export_filename("—", extension="xlsx") == "export-2026-06-15.xlsx"


def test_a_long_export_name_is_cut_on_its_words(fixed_today):
    name = export_filename("Rezultati programa", "Osnaživanje omladinskih radnika " * 5, extension="xlsx")
    assert name == "rezultati-programa-osnazivanje-omladinskih-radnika-osnazivanje-omladinskih-2026-06-15.xlsx"


def test_a_download_is_an_attachment_with_the_name():
    response = file_response(b"a;b", content_type="text/csv; charset=utf-8", filename="upisi-2026-06-15.csv")
    assert response["Content-Disposition"] == 'attachment; filename="upisi-2026-06-15.csv"'


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changelist", "names"),
    [
        ("admin:offices_office_changelist", ("kancelarije-za-mlade", "youth-offices")),
        ("admin:offices_coordinator_changelist", ("koordinatori", "coordinators")),
        ("admin:offices_membership_changelist", ("clanstva-u-udruzenju", "association-memberships")),
        ("admin:trainings_enrolment_changelist", ("upisi", "enrolments")),
        ("admin:trainings_attendance_changelist", ("prisustvo", "attendance")),
    ],
)
def test_every_export_is_named_in_the_users_language_with_the_day(client, staff_user, changelist, names):
    from django.urls import reverse

    client.force_login(staff_user)
    serbian, english = names
    for language, name in (("sr-latn", serbian), ("sr", serbian), ("en", english)):
        for extension in ("xlsx", "csv"):
            with translation.override(language):
                url = reverse(changelist)
            response = client.post(
                url, {"action": f"export_{extension}", "_selected_action": ["0"], "select_across": "1"}
            )
            assert response["Content-Disposition"] == f'attachment; filename="{name}-2026-06-15.{extension}"'
