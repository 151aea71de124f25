from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse
from django.utils import translation

from areas.models import Area, ProgrammeRegion
from tests.conftest import set_language
from tests.trainings.conftest import make_cohort
from trainings.models import Attendance, Cohort, Enrolment, EnrolmentStatus, Participant, Programme

pytestmark = pytest.mark.django_db


def test_cohort_with_area_and_region_is_refused():
    programme = Programme.objects.get(name="Osnaživanje kancelarija za mlade")
    cohort = Cohort(
        programme=programme,
        name="Dvostruka",
        level="basic",
        area=Area.objects.get(code="RS"),
        region=ProgrammeRegion.objects.get(name="Vojvodina"),
        starts_on=date(2017, 10, 1),
        ends_on=date(2017, 9, 1),
        capacity=10,
    )

    with pytest.raises(ValidationError) as raised:
        cohort.full_clean()

    assert raised.value.message_dict == {
        "ends_on": ["Grupa ne može da završi pre nego što počne."],
        "region": ["Izaberite teritoriju ili programski region, ne oba."],
    }


def test_participant_without_name_or_coordinator_is_refused():
    with pytest.raises(ValidationError) as raised:
        Participant(organisation="Vijeće mladih Bihać").full_clean()

    assert raised.value.messages == ["Unesite ime učesnika ili izaberite njegov zapis koordinatora."]


@pytest.mark.parametrize(
    "model",
    [
        "programme",
        "cohort",
        "session",
        "participant",
        "enrolment",
        "attendance",
        "surveyresponse",
        "surveyversion",
        "curriculummodule",
        "competencearea",
    ],
)
def test_add_pages_answer_staff(client, staff_user, model):
    client.force_login(staff_user)

    assert client.get(reverse(f"admin:trainings_{model}_add")).status_code == 200


@pytest.mark.parametrize(("language", "heading"), [("sr-latn", "Lista prisustva"), ("sr", "Листа присуства"),
                                                   ("en", "Attendance sheet")])  # fmt: skip
def test_attendance_sheet_in_three_languages(client, staff_user, language, heading):
    cohort = Cohort.objects.get(name="Vojvodina, osnovni nivo")
    client.force_login(staff_user)
    set_language(client, language)

    body = client.get(reverse("admin:trainings_cohort_attendance", args=[cohort.pk])).content.decode()

    assert f"{heading}: " in body


def test_survey_answer_full_clean_rating_outside_scale_is_refused(coordinator_a):
    from trainings.models import SurveyAnswer, SurveyResponse

    earlier = SurveyResponse.objects.filter(participant__coordinator=coordinator_a).get()
    response = SurveyResponse.objects.create(
        participant=earlier.participant, version=earlier.version, answered_on=date(2019, 5, 1)
    )
    question = response.version.questions.first()

    with pytest.raises(ValidationError) as raised:
        SurveyAnswer(response=response, question=question, rating=0).full_clean()

    assert raised.value.message_dict == {"rating": ["Unesite ocenu od 1 do 5."]}


# Editing what other rows hang off: a cohort's dates and capacity, a session's hours and cohort.


def _attend(cohort, hours_by_enrolment, session=None):
    session = session or cohort.sessions.order_by("held_on").first()
    Attendance.objects.bulk_create(
        Attendance(session=session, enrolment=enrolment, hours=hours) for enrolment, hours in hours_by_enrolment
    )
    return session


def test_cohort_dates_leaving_sessions_outside_are_refused_naming_them():
    cohort = make_cohort(sessions=3)  # sessions on 2, 3 and 4 October 2017
    cohort.starts_on = date(2017, 10, 4)

    with pytest.raises(ValidationError) as raised:
        cohort.full_clean()

    assert raised.value.message_dict == {
        NON_FIELD_ERRORS: [
            "2 sesije su van ovih datuma: Uvod u omladinsku politiku (02.10.2017), "
            "Uvod u omladinsku politiku (03.10.2017). Prvo ih premestite ili izaberite datume koji ih obuhvataju."
        ]
    }
    cohort.ends_on, cohort.starts_on = date(2017, 10, 3), date(2017, 10, 1)
    with translation.override("en"):
        with pytest.raises(ValidationError) as raised:
            cohort.full_clean()
        assert raised.value.messages == [
            "1 session falls outside these dates: Uvod u omladinsku politiku (04.10.2017). "
            "Move it first, or choose dates that include it."
        ]


def test_cohort_dates_that_still_hold_every_session_are_accepted():
    cohort = make_cohort(sessions=3)
    cohort.starts_on, cohort.ends_on = date(2017, 10, 2), date(2017, 10, 4)

    cohort.full_clean()


def test_cohort_capacity_below_places_taken_is_refused_and_invitations_count():
    cohort = make_cohort(people=3)
    cohort.enrolments.filter(pk=cohort.enrolments.order_by("pk").first().pk).update(status=EnrolmentStatus.INVITED)
    Enrolment.objects.create(
        cohort=cohort,
        participant=Participant.objects.create(first_name="Amra", last_name="Hadžić"),
        status=EnrolmentStatus.DROPPED_OUT,
    )
    cohort.capacity = 2

    with pytest.raises(ValidationError) as raised:
        cohort.full_clean()

    assert raised.value.message_dict == {
        "capacity": ["Zauzeta su 3 mesta (pozvani, upisani ili završili): kapacitet ne može biti manji."]
    }
    cohort.capacity = 3
    cohort.full_clean()


def test_session_hours_below_attendance_recorded_are_refused_counting_the_rows():
    cohort = make_cohort(people=3, hours=Decimal("4"))
    first, second, third = cohort.enrolments.order_by("pk")
    session = _attend(cohort, [(first, Decimal("4")), (second, Decimal("3.5")), (third, Decimal("2"))])
    session.hours = Decimal("3")

    with pytest.raises(ValidationError) as raised:
        session.full_clean()

    assert raised.value.message_dict == {
        "hours": ["2 evidencije prisustva ove sesije imaju više od 3,0 sati: prvo ih smanjite na listi prisustva."]
    }
    session.hours = Decimal("3.5")
    with translation.override("en"):
        with pytest.raises(ValidationError) as raised:
            session.full_clean()
        assert raised.value.messages == [
            "1 attendance record of this session has more than 3.5 hours present: "
            "lower it on the attendance sheet first."
        ]
    session.hours = Decimal("4")
    session.full_clean()


def test_session_with_attendance_keeps_its_cohort():
    cohort = make_cohort(people=2)
    other = make_cohort(people=0, name="Šumadija, osnovni nivo")
    session = _attend(cohort, [(e, Decimal("1")) for e in cohort.enrolments.all()])
    session.cohort = other

    with pytest.raises(ValidationError) as raised:
        session.full_clean()

    assert raised.value.message_dict == {
        "cohort": ["Ova sesija ima 2 evidencije prisustva: sesija sa evidentiranim prisustvom ostaje u svojoj grupi."]
    }
    with translation.override("en"):
        assert raised.value.messages == [
            "This session has 2 attendance records: a session with attendance stays in its cohort."
        ]
