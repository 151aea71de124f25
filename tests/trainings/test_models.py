from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from areas.models import Area, ProgrammeRegion
from tests.conftest import set_language
from trainings.models import Cohort, Participant, Programme

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
