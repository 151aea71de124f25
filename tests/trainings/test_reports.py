"""Staff reports: the needs-survey summary and a programme's results, on the page and as .xlsx.

Every expected number is counted by hand from the data each test builds."""

import html
import io
import re
from datetime import date
from decimal import Decimal
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from areas.models import Area, ProgrammeRegion
from tests.factories import AppointmentFactory, CoordinatorFactory, OfficeFactory, UserFactory
from tests.trainings.conftest import make_cohort
from trainings.models import (
    CompetenceArea,
    Enrolment,
    EnrolmentStatus,
    Participant,
    SurveyQuestion,
    SurveyVersion,
)
from trainings.reports import programme_results, survey_summary
from trainings.services import (
    attendance_sheet_save,
    cohort_close,
    enrolment_create,
    participant_for_coordinator,
    survey_response_save,
)

pytestmark = pytest.mark.django_db

VOJVODINA = "Region Vojvodine"
SOUTH_EAST = "Region Južne i Istočne Srbije"


def free_municipality_in(region_code):
    return Area.objects.filter(path__startswith=f"RS/{region_code}/", kind="municipality", offices=None).earliest(
        "code"
    )


def coordinator_in(region_code, *, started_on=date(2021, 3, 1), since=None):
    office = OfficeFactory(area=free_municipality_in(region_code), opened_on=date(2020, 5, 4))
    return AppointmentFactory(office=office, started_on=started_on, coordinator__youth_work_since=since).coordinator


@pytest.fixture
def survey():
    """A survey version newer than the demo's: two questions on one area, one on another, scale 1–5."""
    version = SurveyVersion.objects.create(title="Istraživanje potreba 2026", published_on=date(2026, 5, 1))
    policy = CompetenceArea.objects.create(name="Praćenje politika (test)", position=90)
    projects = CompetenceArea.objects.create(name="Pisanje projekata (test)", position=91)
    questions = [
        SurveyQuestion.objects.create(version=version, area=policy, text="Znam da pratim politiku.", position=1),
        SurveyQuestion.objects.create(version=version, area=policy, text="Znam da pišem izveštaje.", position=2),
        SurveyQuestion.objects.create(version=version, area=projects, text="Znam da pišem projekte.", position=3),
    ]
    return version, policy, projects, questions


def answer(coordinator, version, questions, ratings, on=date(2026, 5, 20)):
    participant = participant_for_coordinator(coordinator=coordinator)
    return survey_response_save(
        participant=participant,
        version=version,
        answered_on=on,
        ratings={question.pk: rating for question, rating in zip(questions, ratings, strict=True)},
    ).response


def test_survey_summary_counts_each_coordinators_latest_answer_in_their_region(survey):
    version, policy, projects, questions = survey
    north_1, north_2 = coordinator_in("RS-REG-VO"), coordinator_in("RS-REG-VO")
    south = coordinator_in("RS-REG-JI")
    # Share of the scale (rating − 1) / 4: 1, 2 → basic; 3 → intermediate; 4, 5 → advanced.
    answer(north_1, version, questions, [1, 1, 1], on=date(2026, 5, 2))  # older: replaced by the next
    answer(north_1, version, questions, [5, 4, 3], on=date(2026, 5, 20))  # policy mean 4.5 → adv.; projects int.
    answer(north_2, version, questions, [2, 3, 5])  # policy mean 2.5 → share .375 → intermediate; projects adv.
    answer(south, version, questions, [1, 2, 1])  # policy basic; projects basic
    outsider = Participant.objects.create(first_name="Emina", last_name="Hodžić", organisation="Vijeće mladih Ključ")
    survey_response_save(
        participant=outsider, version=version, answered_on=date(2026, 5, 3), ratings={questions[0].pk: 5}
    )  # not a coordinator: not counted

    areas, regions, counts, next_levels = survey_summary(version)

    assert areas == [policy, projects]
    assert regions == [SOUTH_EAST, VOJVODINA]
    assert dict(counts[policy][VOJVODINA]) == {"advanced": 1, "intermediate": 1}
    assert dict(counts[policy][SOUTH_EAST]) == {"basic": 1}
    assert dict(counts[projects][VOJVODINA]) == {"intermediate": 1, "advanced": 1}
    assert dict(counts[projects][SOUTH_EAST]) == {"basic": 1}
    # Ties (1 each) go to the lower level: train that first.
    assert next_levels == {policy: "basic", projects: "basic"}


def test_survey_summary_region_is_the_office_held_on_the_day_of_the_answer(survey):
    version, policy, _projects, questions = survey
    mover = coordinator_in("RS-REG-JI", started_on=date(2019, 1, 1))
    first = mover.appointments.get()
    first.ended_on = date(2022, 12, 31)
    first.save()
    office = OfficeFactory(area=free_municipality_in("RS-REG-VO"), opened_on=date(2020, 5, 4))
    AppointmentFactory(coordinator=mover, office=office, started_on=date(2023, 1, 1))
    answer(mover, version, questions, [5, 5, 5], on=date(2022, 6, 1))

    _areas, regions, counts, _next = survey_summary(version)

    assert regions == [SOUTH_EAST]
    assert dict(counts[policy][SOUTH_EAST]) == {"advanced": 1}


def test_survey_summary_page_and_xlsx_for_staff(staff_client, survey):
    version, _policy, _projects, questions = survey
    answer(coordinator_in("RS-REG-VO"), version, questions, [5, 5, 1])

    page = staff_client.get(f"/en/admin/trainings/surveyresponse/summary/?version={version.pk}")
    download = staff_client.get(f"/en/admin/trainings/surveyresponse/summary/?version={version.pk}&format=xlsx")

    assert page.status_code == 200
    assert "Praćenje politika (test): most coordinators are at the <strong>advanced</strong> level" in (
        page.content.decode()
    )
    assert download["Content-Disposition"] == (
        'attachment; filename="needs-survey-summary-istrazivanje-potreba-2026-2026-06-15.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Competence area", "Region", "basic", "intermediate", "advanced", "Coordinators"],
        ["Praćenje politika (test)", "Vojvodina Region", 0, 0, 1, 1],
        ["Pisanje projekata (test)", "Vojvodina Region", 1, 0, 0, 1],
    ]


def test_survey_summary_page_runs_the_same_queries_at_two_sizes(staff_client, survey, django_assert_num_queries):
    version, _policy, _projects, questions = survey
    url = f"/admin/trainings/surveyresponse/summary/?version={version.pk}"
    answer(coordinator_in("RS-REG-VO"), version, questions, [5, 5, 1])
    staff_client.get(url)  # the session's first read
    # The session, the user, the versions, the latest responses, their answers, the appointments,
    # the regions, the competence areas.
    with django_assert_num_queries(8) as small:
        staff_client.get(url)
    for region in ("RS-REG-VO", "RS-REG-JI", "RS-REG-JI"):
        answer(coordinator_in(region), version, questions, [3, 2, 4])

    with django_assert_num_queries(len(small.captured_queries)):
        staff_client.get(url)


@pytest.fixture
def finished_programme():
    """One programme, two cohorts of three 4-hour sessions (12 hours), rule 80 %: 9.6 hours complete.

    Vojvodina, basic: A (since 2016: 1 year → under 3) 12 h completes; B (since 2012: 5 → 3 to 7) 9 h drops out;
    C (no year: not known) 10 h completes. South-east, intermediate: D (since 2005: 12 → over 7) 12 h completes;
    E (since 2014: 3 → 3 to 7) invited only: not counted.
    """
    north = make_cohort(people=0, name="Vojvodina, osnovni nivo")
    programme = north.programme  # starts 1 May 2017
    north.region = None
    north.area = Area.objects.get(code="RS-REG-VO")
    north.save()
    south = make_cohort(people=0, name="Jug, srednji nivo")
    south.programme = programme
    south.level = "intermediate"
    south.area = Area.objects.get(code="RS-REG-JI")
    south.save()
    people = {
        "A": coordinator_in("RS-REG-VO", since=2016),
        "B": coordinator_in("RS-REG-VO", since=2012),
        "C": coordinator_in("RS-REG-VO"),
        "D": coordinator_in("RS-REG-JI", since=2005),
        "E": coordinator_in("RS-REG-JI", since=2014),
    }
    hours = {"A": [4, 4, 4], "B": [4, 4, 1], "C": [4, 4, 2], "D": [4, 4, 4]}
    for cohort, letters in ((north, "ABC"), (south, "DE")):
        sessions = list(cohort.sessions.order_by("held_on"))
        sheet = {}
        for letter in letters:
            status = EnrolmentStatus.INVITED if letter == "E" else EnrolmentStatus.ENROLLED
            participant = participant_for_coordinator(coordinator=people[letter])
            enrolment = enrolment_create(cohort=cohort, participant=participant, status=status)
            for session, value in zip(sessions, hours.get(letter, []), strict=False):
                sheet[session.pk, enrolment.pk] = Decimal(value)
        attendance_sheet_save(cohort=cohort, hours=sheet)
        cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))
    return programme


def rows_of(sections):
    return {
        title: [(row.label, row.enrolled, row.completed, row.completion_rate, row.hours) for row in rows]
        for title, rows in sections
    }


def test_programme_results_by_region_level_and_experience(finished_programme):
    assert Enrolment.objects.filter(cohort__programme=finished_programme).count() == 5

    results = rows_of(programme_results(finished_programme))

    assert results == {
        "Ukupno": [("Svi učesnici", 4, 3, Decimal("75.0"), Decimal("43"))],
        "Po regionu": [
            ("Region Južne i Istočne Srbije", 1, 1, Decimal("100.0"), Decimal("12")),
            ("Region Vojvodine", 3, 2, Decimal("66.7"), Decimal("31")),
        ],
        "Po nivou": [
            ("osnovni", 3, 2, Decimal("66.7"), Decimal("31")),
            ("srednji", 1, 1, Decimal("100.0"), Decimal("12")),
        ],
        "Po iskustvu u radu sa mladima": [
            ("manje od 3 godine", 1, 1, Decimal("100.0"), Decimal("12")),
            ("od 3 do 7 godina", 1, 0, Decimal("0.0"), Decimal("9")),
            ("više od 7 godina", 1, 1, Decimal("100.0"), Decimal("12")),
            ("nije poznato", 1, 1, Decimal("100.0"), Decimal("10")),
        ],
    }


def test_programme_results_xlsx(staff_client, finished_programme):
    response = staff_client.get(f"/en/admin/trainings/programme/results/?programme={finished_programme.pk}&format=xlsx")
    serbian = staff_client.get(f"/admin/trainings/programme/results/?programme={finished_programme.pk}&format=xlsx")

    assert response["Content-Disposition"] == (
        'attachment; filename="programme-results-osnazivanje-kancelarija-za-mlade-2026-06-15.xlsx"'
    )
    assert serbian["Content-Disposition"] == (
        'attachment; filename="rezultati-programa-osnazivanje-kancelarija-za-mlade-2026-06-15.xlsx"'
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Group", "Enrolled", "Completed", "Completion rate (%)", "Hours attended"]
    assert rows[1] == ["Total: All participants", 4, 3, 75, 43]
    assert rows[-1] == ["By experience in youth work: not known", 1, 1, 100, 10]
    assert len(rows) == 1 + 1 + 2 + 2 + 4


def test_programme_results_page_runs_the_same_queries_at_two_sizes(staff_client, django_assert_num_queries):
    cohort = make_cohort(people=2)
    url = f"/admin/trainings/programme/results/?programme={cohort.programme.pk}"
    staff_client.get(url)
    with django_assert_num_queries(4) as small:  # the session, the user, the programmes, the enrolments
        staff_client.get(url)
    for coordinator in CoordinatorFactory.create_batch(4, youth_work_since=2010):
        enrolment_create(cohort=cohort, participant=participant_for_coordinator(coordinator=coordinator))

    with django_assert_num_queries(len(small.captured_queries)):
        response = staff_client.get(url)
    assert "Svi učesnici" in response.content.decode()


def test_programme_results_unknown_programme_is_404(staff_client):
    assert staff_client.get("/admin/trainings/programme/results/?programme=999999").status_code == 404


def test_reports_are_linked_from_the_admin_index(staff_client):
    page = staff_client.get("/en/admin/").content.decode()

    assert 'href="/en/admin/trainings/surveyresponse/summary/"' in page
    assert 'href="/en/admin/trainings/programme/results/"' in page


@pytest.mark.parametrize(
    "url", ["/admin/trainings/programme/results/", "/admin/trainings/surveyresponse/summary/?format=xlsx"]
)
def test_reports_are_for_staff_only(coordinator_a_client, url):
    response = coordinator_a_client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# Every language, the .xlsx, who may see them, and their queries ---------------------------------

HEADERS = {
    "survey": {
        "sr-latn": ["Oblast kompetencija", "Region", "osnovni", "srednji", "napredni", "Koordinatori"],
        "sr": ["Област компетенција", "Регион", "основни", "средњи", "напредни", "Координатори"],
        "en": ["Competence area", "Region", "basic", "intermediate", "advanced", "Coordinators"],
    },
    "results": {
        "sr-latn": ["Grupa", "Upisani", "Završili", "Stopa završavanja (%)", "Sati prisustva"],
        "sr": ["Група", "Уписани", "Завршили", "Стопа завршавања (%)", "Сати присуства"],
        "en": ["Group", "Enrolled", "Completed", "Completion rate (%)", "Hours attended"],
    },
}
TITLES = {
    "survey": {"sr-latn": "Pregled upitnika o potrebama", "sr": "Преглед упитника о потребама",
               "en": "Needs survey summary"},
    "results": {"sr-latn": "Rezultati programa", "sr": "Резултати програма", "en": "Programme results"},
}  # fmt: skip
FIRST_ROWS = {
    "survey": {
        "sr-latn": ["Praćenje politika (test)", "Region Vojvodine", 0, 0, 1, 1],
        "sr": ["Праћење политика (тест)", "Регион Војводине", 0, 0, 1, 1],
        "en": ["Praćenje politika (test)", "Vojvodina Region", 0, 0, 1, 1],
    },
    "results": {
        "sr-latn": ["Ukupno: Svi učesnici", 4, 3, 75, 43],
        "sr": ["Укупно: Сви учесници", 4, 3, 75, 43],
        "en": ["Total: All participants", 4, 3, 75, 43],
    },
}
LATIN_WORD = re.compile(r"[A-Za-zČčĆćŠšŽžĐđ]+")


@pytest.fixture
def report(request):
    """(name, address) of a report's page with data to show; parametrized indirectly: "survey" or "results"."""
    if request.param == "survey":
        version, _policy, _projects, questions = request.getfixturevalue("survey")
        answer(coordinator_in("RS-REG-VO"), version, questions, [5, 5, 1])
        return "survey", f"/admin/trainings/surveyresponse/summary/?version={version.pk}"
    programme = request.getfixturevalue("finished_programme")
    return "results", f"/admin/trainings/programme/results/?programme={programme.pk}"


REPORTS = pytest.mark.parametrize("report", ["survey", "results"], indirect=True)


def in_language(url, language):
    return url if language == "sr-latn" else f"/{language}{url}"


def visible_text(page, start, end):
    """The text of a page from the element opened by `start` to `end`: tags removed, entities read."""
    part = page.split(start, 1)[1].split(">", 1)[1].split(end, 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", part)).split())


def texts_of(html, tag):
    return [" ".join(re.sub(r"<[^>]+>", " ", found).split()) for found in re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, re.S)]  # fmt: skip


@REPORTS
@pytest.mark.parametrize("language", ["sr-latn", "sr", "en"])
def test_report_page_title_and_table_headers_in_each_language(staff_client, report, language):
    name, url = report

    html = staff_client.get(in_language(url, language)).content.decode()

    assert texts_of(html, "h1") == [TITLES[name][language]]
    assert texts_of(html.split("<thead>")[1].split("</thead>")[0], "th") == HEADERS[name][language]


@REPORTS
def test_report_page_in_cyrillic_has_no_latin_word_outside_the_file_format(staff_client, report):
    _name, url = report

    page = staff_client.get(in_language(url, "sr")).content.decode()

    shown = " ".join([
        visible_text(page, "<title", "</title>"),
        visible_text(page, 'class="breadcrumbs"', "</ol>"),
        visible_text(page, 'id="content"', "<footer"),
    ])  # fmt: skip
    assert set(LATIN_WORD.findall(shown)) == {"xlsx"}  # "Преузми .xlsx"


@REPORTS
@pytest.mark.parametrize("language", ["sr-latn", "sr", "en"])
def test_report_xlsx_has_the_headers_and_names_of_the_language(staff_client, report, language):
    name, url = report

    response = staff_client.get(in_language(url, language) + "&format=xlsx")

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.content))
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    assert rows[:2] == [HEADERS[name][language], FIRST_ROWS[name][language]]
    assert workbook.active.title == TITLES[name][language][:31]


@REPORTS
@pytest.mark.parametrize("xlsx", [False, True], ids=["page", "xlsx"])
def test_reports_are_for_staff_with_permission_to_view(client, persona, report, xlsx):
    _name, url = report
    url += "&format=xlsx" if xlsx else ""

    response = persona.get(url)

    if persona.persona == "staff":
        assert response.status_code == 200
    else:  # anonymous and coordinators (not staff): the admin's sign-in page, nothing of the report
        assert response.status_code == 302
        assert response["Location"] == f"/admin/login/?next={quote(url)}"


@REPORTS
def test_reports_refuse_staff_without_the_view_permission(client, report):
    client.force_login(UserFactory(username="pripravnik", is_staff=True))

    assert client.get(report[1]).status_code == 403
    assert client.get(report[1] + "&format=xlsx").status_code == 403


@pytest.mark.parametrize("language", ["sr", "en"])
def test_survey_summary_costs_the_same_queries_in_each_language_at_two_sizes(
    staff_client, survey, language, django_assert_num_queries
):
    version, _policy, _projects, questions = survey
    url = in_language(f"/admin/trainings/surveyresponse/summary/?version={version.pk}", language)
    answer(coordinator_in("RS-REG-VO"), version, questions, [5, 5, 1])
    staff_client.get(url)
    with django_assert_num_queries(8):
        staff_client.get(url)
    with django_assert_num_queries(8):
        staff_client.get(url + "&format=xlsx")
    for region in ("RS-REG-VO", "RS-REG-JI", "RS-REG-JI", "RS-REG-JI"):
        answer(coordinator_in(region), version, questions, [3, 2, 4])

    with django_assert_num_queries(8):
        response = staff_client.get(url)
    with django_assert_num_queries(8):
        staff_client.get(url + "&format=xlsx")
    assert len(response.context["rows"]) == 4


@pytest.mark.parametrize("language", ["sr", "en"])
def test_programme_results_cost_the_same_queries_in_each_language_at_two_sizes(
    staff_client, language, django_assert_num_queries
):
    cohort = make_cohort(people=2)
    url = in_language(f"/admin/trainings/programme/results/?programme={cohort.programme.pk}", language)
    staff_client.get(url)
    with django_assert_num_queries(4):
        staff_client.get(url)
    with django_assert_num_queries(4):
        staff_client.get(url + "&format=xlsx")
    for coordinator in CoordinatorFactory.create_batch(8, youth_work_since=2010):
        enrolment_create(cohort=cohort, participant=participant_for_coordinator(coordinator=coordinator))

    with django_assert_num_queries(4):
        response = staff_client.get(url)
    with django_assert_num_queries(4):
        staff_client.get(url + "&format=xlsx")
    assert response.context["sections"][0][1][0].enrolled == 10


def xlsx_rows(response):
    return [list(row) for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]


@pytest.mark.parametrize(
    ("prefix", "area", "region", "latin"),
    [
        ("/sr", "Омладинска политика", "Регион Војводине", "Omladinska politika"),
        ("", "Omladinska politika", "Region Vojvodine", None),
        ("/en", "Youth policy", "Vojvodina Region", "Omladinska politika"),
    ],
)
def test_survey_summary_page_and_xlsx_name_areas_in_the_language(staff_client, prefix, area, region, latin):
    version = SurveyVersion.objects.create(title="Upitnik o potrebama 2026", published_on=date(2026, 5, 1))
    policy = CompetenceArea.objects.get(name="Omladinska politika")
    question = SurveyQuestion.objects.create(version=version, area=policy, text="Poznajem LAP.", position=1)
    answer(coordinator_in("RS-REG-VO"), version, [question], [5])
    url = f"{prefix}/admin/trainings/surveyresponse/summary/?version={version.pk}"

    page = staff_client.get(url).content.decode()
    rows = xlsx_rows(staff_client.get(f"{url}&format=xlsx"))

    assert f"<li>{area}: " in page
    assert f"<td>{area}</td><td>{region}</td>" in page
    assert rows[1][:2] == [area, region]
    if latin:
        assert latin not in page
    title = "Упитник о потребама 2026" if prefix == "/sr" else "Upitnik o potrebama 2026"
    published = "1 May 2026" if prefix == "/en" else "01.05.2026."  # the language's short date
    assert f'<option value="{version.pk}" selected>{title} ({published})</option>' in page


@pytest.mark.parametrize(
    ("prefix", "region", "latin", "row"),
    [
        ("/sr", "Централна Србија", "Centralna Srbija", "По региону: Централна Србија"),
        ("", "Centralna Srbija", "Централна Србија", "Po regionu: Centralna Srbija"),
    ],
)
def test_programme_results_page_and_xlsx_name_programme_regions_in_the_script(staff_client, prefix, region, latin, row):
    cohort = make_cohort(people=2)
    cohort.region = ProgrammeRegion.objects.get(name="Centralna Srbija")
    cohort.save()
    url = f"{prefix}/admin/trainings/programme/results/?programme={cohort.programme.pk}"

    page = staff_client.get(url).content.decode()
    rows = xlsx_rows(staff_client.get(f"{url}&format=xlsx"))

    assert f"<td>{region}</td>" in page
    assert latin not in page
    programme = "Оснаживање канцеларија за младе" if prefix else "Osnaživanje kancelarija za mlade"
    assert f"<caption>{programme}</caption>" in page
    assert f'<option value="{cohort.programme.pk}" selected>{programme} (2017)</option>' in page
    assert [cells[0] for cells in rows if region in cells[0]] == [row]


@pytest.mark.parametrize("version", ["999999", "abc", "-1", "1.5", "1 ", "%00", "9" * 30])
@pytest.mark.parametrize("extra", ["", "&format=xlsx"], ids=["page", "xlsx"])
@pytest.mark.parametrize("prefix", ["", "/sr", "/en"])
def test_survey_summary_of_an_unknown_version_is_404(staff_client, prefix, version, extra):
    response = staff_client.get(f"{prefix}/admin/trainings/surveyresponse/summary/?version={version}{extra}")

    assert response.status_code == 404


def test_survey_summary_without_a_version_shows_the_newest(staff_client):
    newest = SurveyVersion.objects.order_by("-published_on").first()

    for query in ("", "?version="):
        response = staff_client.get(f"/admin/trainings/surveyresponse/summary/{query}")

        assert response.status_code == 200
        assert response.context["version"] == newest
