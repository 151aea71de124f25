from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse
from django.utils import translation

from areas.models import Area, ProgrammeRegion
from tests.conftest import TODAY, set_language
from tests.trainings.conftest import make_cohort, running_cohort
from trainings.models import Attendance, Cohort, Enrolment, EnrolmentStatus, Participant, Programme, Session
from trainings.services import attendance_sheet_save, cohort_close

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

    assert raised.value.messages == ["Unesite ime učesnika ili izaberite zapis koordinatora."]


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
            "2 sesije su van ovih datuma: Uvod u omladinsku politiku (02.10.2017.), "
            "Uvod u omladinsku politiku (03.10.2017.). Prvo ih premestite ili izaberite datume koji ih obuhvataju."
        ]
    }
    cohort.ends_on, cohort.starts_on = date(2017, 10, 3), date(2017, 10, 1)
    with translation.override("en"):
        with pytest.raises(ValidationError) as raised:
            cohort.full_clean()
        assert raised.value.messages == [
            "1 session falls outside these dates: Uvod u omladinsku politiku (4 Oct 2017). "
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
        "hours": ["2 evidencije prisustva ove sesije imaju više od 3 h: prvo ih smanjite na listi prisustva."]
    }
    session.hours = Decimal("3.5")
    with translation.override("en"):
        with pytest.raises(ValidationError) as raised:
            session.full_clean()
        assert raised.value.messages == [
            "1 attendance record of this session has more than 3.5 h present: lower it on the attendance sheet first."
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


# A closed cohort's sessions and its programme's rule are what completion was counted on.


def closed_cohort():
    cohort = make_cohort(people=1)
    cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))
    return Cohort.objects.get(pk=cohort.pk)


def messages_of(error):
    return [message for messages in error.message_dict.values() for message in messages]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("sr-latn", "Grupa Vojvodina, osnovni nivo je zatvorena 01.03.2018.: datumi i sati njenih sesija se više ne menjaju."),
        ("en", "The cohort Vojvodina, osnovni nivo was closed on 1 Mar 2018: its sessions' dates and hours no longer change."),
    ],
)  # fmt: skip
def test_a_closed_cohorts_session_keeps_its_date_and_hours(language, words):
    cohort = closed_cohort()
    session = cohort.sessions.order_by("held_on").first()
    for change in ({"hours": Decimal("6")}, {"held_on": date(2017, 10, 20)}):
        edited = Session.objects.get(pk=session.pk)
        for field, value in change.items():
            setattr(edited, field, value)
        with translation.override(language):
            with pytest.raises(ValidationError) as refused:
                edited.full_clean()
            assert messages_of(refused.value) == [words]
    edited = Session.objects.get(pk=session.pk)
    edited.place = "Sremski Karlovci"  # where it happened may be corrected
    edited.full_clean()


def test_no_session_is_added_to_a_closed_cohort_nor_moved_out_of_it():
    cohort = closed_cohort()
    session = cohort.sessions.order_by("held_on").first()
    added = Session(cohort=cohort, module=session.module, held_on=date(2017, 10, 30), hours=Decimal("2"))
    with pytest.raises(ValidationError, match="zatvorena"):
        added.full_clean()
    other = make_cohort(people=0, name="Šumadija, osnovni nivo")
    Attendance.objects.filter(session=session).delete()  # not even a session nobody attended leaves
    session.cohort = other
    with pytest.raises(ValidationError, match="zatvorena"):
        session.full_clean()


def test_a_programme_with_closed_cohorts_keeps_its_completion_rule():
    cohort = closed_cohort()
    programme = Programme.objects.get(pk=cohort.programme_id)
    programme.completion_percent = 60
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            programme.full_clean()
        assert refused.value.message_dict == {
            "completion_percent": ["Cohorts of this programme were closed by this rule: it stays 80 %."]
        }
    programme.completion_percent = 80
    programme.description = "Obuke za koordinatore kancelarija za mlade u Srbiji."
    programme.full_clean()
    open_programme = make_cohort(people=0).programme
    open_programme.completion_percent = 60
    open_programme.full_clean()


def test_an_attended_session_does_not_move_to_a_day_still_to_come():
    cohort = running_cohort(people=1)
    enrolment = cohort.enrolments.get()
    held = cohort.sessions.order_by("held_on").first()
    attendance_sheet_save(cohort=cohort, hours={(held.pk, enrolment.pk): held.hours})
    held.held_on = TODAY + timedelta(days=3)
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            held.full_clean()
        assert refused.value.message_dict == {
            "held_on": [
                "1 person's attendance is recorded for this session: it took place, so it cannot move to a day "
                "still to come."
            ]
        }
    unattended = cohort.sessions.order_by("held_on").last()
    unattended.held_on = TODAY + timedelta(days=10)
    unattended.full_clean()


def test_a_certificate_code_always_holds_a_digit_so_it_stays_latin_on_cyrillic_pages():
    from portal.text import to_cyrillic
    from trainings.models import new_certificate_code

    codes = [new_certificate_code() for _ in range(2000)]  # about 5% of letter-only draws would be kept

    assert all(any(character.isdigit() for character in code) for code in codes)
    assert all(to_cyrillic(code) == code for code in codes)
    assert len(set(codes)) == len(codes)
