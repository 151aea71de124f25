"""Dates, numbers and the order of names as each language writes them (issue 10, second user trial):
"01.10.2026." in Serbian, "1 Oct 2026" in English; "4,5" not "4.5"; regions by the Serbian alphabet."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.utils import translation

from areas.models import Area, ProgrammeRegion
from tests.trainings.conftest import certificate_for, make_cohort
from tests.trainings.test_reports import answer, coordinator_in, finished_programme  # noqa: F401 (a fixture)
from tests.trainings.test_views import pdf_text
from trainings.models import Attendance, CompetenceArea, SurveyQuestion, SurveyVersion
from trainings.selectors import programmes_for_public
from trainings.services import cohort_close

pytestmark = pytest.mark.django_db

LANGUAGES = [("", "sr-latn"), ("/sr", "sr"), ("/en", "en")]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("sr-latn", "Grupa Vojvodina, osnovni nivo ne može da se zatvori danom koji tek dolazi (16.06.2026.)."),
        ("sr", "Група Vojvodina, osnovni nivo не може да се затвори даном који тек долази (16.06.2026.)."),
        ("en", "The cohort Vojvodina, osnovni nivo cannot be closed on a day still to come (16 Jun 2026)."),
    ],
)
def test_a_date_in_a_message_is_the_languages_short_date(language, words):
    cohort = make_cohort(people=0)
    with translation.override(language), pytest.raises(ValidationError) as refused:
        cohort_close(cohort=cohort, closed_on=date(2026, 6, 16))
    assert refused.value.messages == [words]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("sr-latn", "Sesija mora biti u periodu grupe, od 01.10.2017. do 28.02.2018."),  # no second dot
        ("en", "The session must fall within its cohort's dates, 1 Oct 2017 to 28 Feb 2018."),
    ],
)
def test_a_sentence_ending_in_a_date_has_one_dot(language, words):
    cohort = make_cohort(people=0)
    session = cohort.sessions.first()
    session.held_on = date(2018, 3, 5)
    with translation.override(language):
        with pytest.raises(ValidationError) as refused:
            session.full_clean()
        assert refused.value.message_dict["held_on"] == [words]  # the message is read in the language


@pytest.mark.parametrize(
    ("prefix", "shown"), [("", "(16.05.2017.)"), ("/sr", "(16.05.2017.)"), ("/en", "(16 May 2017)")]
)
def test_the_survey_version_choice_shows_the_languages_date(staff_client, prefix, shown):
    version = SurveyVersion.objects.create(title="Upitnik 2017", published_on=date(2017, 5, 16))

    page = staff_client.get(f"{prefix}/admin/trainings/surveyresponse/summary/?version={version.pk}").content.decode()

    assert re.search(rf'<option value="{version.pk}" selected>[^<]+ {re.escape(shown)}</option>', page)
    assert "2017-05-16" not in page.split("<select", 1)[1].split("</select>", 1)[0]


@pytest.mark.parametrize(
    ("prefix", "issued", "period"),
    [
        ("", "Izdato 10. marta 2018.", "2. oktobra 2017. – 4. oktobra 2017."),
        ("/sr", "Издато 10. марта 2018.", "2. октобра 2017. – 4. октобра 2017."),
        ("/en", "Issued on 10 March 2018", "2 October 2017 – 4 October 2017"),  # the sessions held
    ],
)
def test_the_certificate_writes_every_date_in_one_form(client, coordinator_a, prefix, issued, period):
    certificate = certificate_for(coordinator_a)
    client.force_login(coordinator_a.user)

    text = pdf_text(client.get(f"{prefix}/certificates/{certificate.code}/pdf/").content)

    assert issued in text
    assert period in " ".join(text.split())
    assert not re.search(r"\d{1,2}[./]\d{1,2}[./]\d{4}", text)  # no date in figures beside the written ones


# Numbers


@pytest.mark.parametrize(("language", "hours"), [("sr-latn", "4,5"), ("sr", "4,5"), ("en", "4.5")])
def test_an_attendance_is_named_with_its_hours_as_the_language_writes_them(language, hours):
    cohort = make_cohort(people=1)
    session = cohort.sessions.order_by("held_on").first()
    attendance = Attendance.objects.create(session=session, enrolment=cohort.enrolments.get(), hours=Decimal("4.5"))
    labeller = site._registry[Attendance]
    attendance = labeller.label_queryset(Attendance.objects).get(pk=attendance.pk)

    with translation.override(language):
        name, label = str(attendance), labeller.record_label(attendance)

    assert name.endswith(f": {hours}") and label.endswith(f": {hours}")
    whole = Attendance.objects.get(pk=attendance.pk)
    whole.hours = Decimal("4.0")
    with translation.override(language):
        assert str(whole).endswith(": 4")  # 4, not 4,0


def test_the_batch_page_writes_an_attendance_with_a_decimal_comma(staff_client, staff_user):
    from imports.models import ImportBatch, ImportRecord

    cohort = make_cohort(people=1)
    session = cohort.sessions.order_by("held_on").first()
    attendance = Attendance.objects.create(session=session, enrolment=cohort.enrolments.get(), hours=Decimal("4.5"))
    batch = ImportBatch.objects.create(
        importer="trainings.attendance",
        user=staff_user,
        token="a" * 32,
        file_name="prisustvo.xlsx",
        file_size=1,
        file_sha256="0" * 64,
    )
    ImportRecord.objects.create(
        batch=batch, row=2, position=1, content_type_id=_content_type(Attendance), object_id=attendance.pk,
        action="updated", label=str(attendance),
    )  # fmt: skip

    page = staff_client.get(f"/admin/imports/importbatch/{batch.pk}/change/").content.decode()
    english = staff_client.get(f"/en/admin/imports/importbatch/{batch.pk}/change/").content.decode()

    assert re.search(r"\(02\.10\.2017\.\): 4,5</a> \(", page)
    assert re.search(r"\(2 Oct 2017\): 4\.5</a> \(", english)


def _content_type(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


@pytest.mark.parametrize(
    ("prefix", "cells"),
    [
        ("", ("<td>Region Vojvodine</td><td>3</td><td>2</td><td>66,7</td><td>31</td>", "<td>100</td><td>12</td>",
              "<td>75</td><td>43</td>")),
        ("/sr", ("<td>Регион Војводине</td><td>3</td><td>2</td><td>66,7</td><td>31</td>", "<td>100</td><td>12</td>",
                 "<td>75</td><td>43</td>")),
        ("/en", ("<td>Vojvodina Region</td><td>3</td><td>2</td><td>66.7</td><td>31</td>", "<td>100</td><td>12</td>",
                 "<td>75</td><td>43</td>")),
    ],
)  # fmt: skip
def test_programme_results_page_writes_every_number_one_way(staff_client, finished_programme, prefix, cells):  # noqa: F811
    vojvodina, south, total = cells
    page = staff_client.get(f"{prefix}/admin/trainings/programme/results/?programme={finished_programme.pk}")
    text = page.content.decode()

    assert vojvodina in text
    assert south in text
    assert total in text
    assert not re.search(r"<td>\d+[.,]0</td>", text)  # 75, not 75,0
    if prefix != "/en":
        assert not re.search(r"<td>\d+\.\d+</td>", text)  # no decimal point in Serbian


# Order of names


def region_cohort(programme, region_name, name):
    cohort = make_cohort(people=0, name=name)
    cohort.programme = programme
    cohort.region = ProgrammeRegion.objects.get(name=region_name)
    cohort.save()
    return cohort


@pytest.mark.parametrize(
    ("prefix", "language", "places"),
    [
        ("", "sr-latn", ["Centralna Srbija", "Južna Srbija", "Vojvodina"]),
        ("/sr", "sr", ["Војводина", "Јужна Србија", "Централна Србија"]),
        ("/en", "en", ["Centralna Srbija", "Južna Srbija", "Vojvodina"]),
    ],
)
def test_public_trainings_list_regions_by_the_alphabet_of_the_script(client, prefix, language, places):
    first = make_cohort(people=0, name="Jug")
    first.region = ProgrammeRegion.objects.get(name="Južna Srbija")
    first.save()
    region_cohort(first.programme, "Vojvodina", "Sever")
    region_cohort(first.programme, "Centralna Srbija", "Centar")

    with translation.override(language):
        [programme] = [item for item in programmes_for_public() if item.pk == first.programme_id]
    page = client.get(f"{prefix}/trainings/").content.decode()

    assert [group["place"] for group in programme.cohort_groups] == places
    positions = [page.index(f"<td>{place}<") for place in places]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("prefix", "regions"),
    [
        ("", ["Region Južne i Istočne Srbije", "Region Šumadije i Zapadne Srbije", "Region Vojvodine"]),
        ("/sr", ["Регион Војводине", "Регион Јужне и Источне Србије", "Регион Шумадије и Западне Србије"]),
        ("/en", ["Southern and Eastern Serbia Region", "Šumadija and Western Serbia Region", "Vojvodina Region"]),
    ],
)
def test_survey_summary_lists_regions_by_the_alphabet_of_the_script(staff_client, prefix, regions):
    version = SurveyVersion.objects.create(title="Upitnik 2026", published_on=date(2026, 5, 1))
    area, _ = CompetenceArea.objects.get_or_create(name="Omladinska politika", defaults={"position": 1})
    question = SurveyQuestion.objects.create(version=version, area=area, text="Poznajem LAP.", position=1)
    for code in ("RS-REG-VO", "RS-REG-SZ", "RS-REG-JI"):
        answer(coordinator_in(code), version, [question], [3])

    page = staff_client.get(f"{prefix}/admin/trainings/surveyresponse/summary/?version={version.pk}").content.decode()

    positions = [page.index(f"<td>{region}</td>") for region in regions]
    assert positions == sorted(positions)


def test_programme_results_list_regions_by_the_alphabet_of_the_script(staff_client):
    north = make_cohort(people=1, name="Sever")
    north.region = ProgrammeRegion.objects.get(name="Vojvodina")
    north.save()
    south = make_cohort(people=0, name="Jug")
    south.programme, south.region, south.area = north.programme, None, Area.objects.get(code="RS-REG-SZ")
    south.save()
    from trainings.services import enrolment_create, participant_for_coordinator

    enrolment_create(cohort=south, participant=participant_for_coordinator(coordinator=coordinator_in("RS-REG-SZ")))
    url = f"/admin/trainings/programme/results/?programme={north.programme.pk}"

    latin = staff_client.get(url).content.decode()
    cyrillic = staff_client.get(f"/sr{url}").content.decode()

    assert latin.index("<td>Region Šumadije i Zapadne Srbije</td>") < latin.index("<td>Vojvodina</td>")
    assert cyrillic.index("<td>Војводина</td>") < cyrillic.index("<td>Регион Шумадије и Западне Србије</td>")


@pytest.mark.parametrize(("prefix", "hours"), [("", "4,0"), ("/sr", "4,0"), ("/en", "4.0")])
def test_cohort_page_session_rows_write_hours_as_the_language_does(staff_client, prefix, hours):
    cohort = make_cohort(people=0)

    page = staff_client.get(f"{prefix}/admin/trainings/cohort/{cohort.pk}/change/").content.decode()

    assert re.search(rf'name="sessions-0-hours" value="{re.escape(hours)}"', page)
    assert 'href="/static/trainings/admin.css"' in page or "trainings/admin." in page  # the rows' widths
