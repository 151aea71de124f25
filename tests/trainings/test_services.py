from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from offices.models import Coordinator
from trainings.models import (
    Attendance,
    Certificate,
    CertificateStatus,
    CompetenceArea,
    Enrolment,
    EnrolmentStatus,
    Level,
    Participant,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyVersion,
)
from trainings.services import (
    attendance_sheet_save,
    certificate_reissue,
    certificate_revoke,
    cohort_close,
    enrolment_create,
    participant_for_coordinator,
    survey_response_create,
)

from .conftest import make_cohort

pytestmark = pytest.mark.django_db


def _outsider():
    return Participant.objects.create(first_name="Amra", last_name="Hadžić", organisation="Vijeće mladih Ključ")


def test_enrolment_create_in_full_cohort_is_refused(db):
    cohort = make_cohort(people=2, capacity=2)

    with pytest.raises(ValidationError) as raised:
        enrolment_create(cohort=cohort, participant=_outsider())

    assert raised.value.messages == [f"Grupa {cohort} je popunjena: zauzeta su sva mesta (2)."]
    assert cohort.enrolments.count() == 2


def test_enrolment_create_dropped_out_frees_a_place(db):
    cohort = make_cohort(people=2, capacity=2)
    cohort.enrolments.filter(pk=cohort.enrolments.first().pk).update(status=EnrolmentStatus.DROPPED_OUT)

    enrolment = enrolment_create(cohort=cohort, participant=_outsider())

    assert enrolment.status == EnrolmentStatus.ENROLLED
    assert cohort.enrolments.taking_places().count() == 2


def test_enrolment_create_twice_is_refused(cohort):
    enrolment = cohort.enrolments.first()

    with pytest.raises(ValidationError) as raised:
        enrolment_create(cohort=cohort, participant=enrolment.participant)

    assert raised.value.messages == ["Ovaj učesnik je već upisan u ovu grupu."]


def test_participant_for_coordinator_keeps_one_history(db):
    coordinator = Coordinator.objects.order_by("pk").first()

    first = participant_for_coordinator(coordinator=coordinator)
    second = participant_for_coordinator(coordinator=coordinator)

    assert first.pk == second.pk
    assert first.full_name == coordinator.full_name


def test_attendance_sheet_save_creates_and_updates(cohort):
    sessions = list(cohort.sessions.order_by("held_on"))
    enrolments = list(cohort.enrolments.order_by("pk"))
    attendance_sheet_save(cohort=cohort, hours={(sessions[0].pk, enrolments[0].pk): Decimal("4")})

    created, updated = attendance_sheet_save(
        cohort=cohort,
        hours={
            (sessions[0].pk, enrolments[0].pk): Decimal("2.5"),
            (sessions[1].pk, enrolments[0].pk): Decimal("4"),
            (sessions[1].pk, enrolments[1].pk): None,
        },
    )

    assert (created, updated) == (1, 1)
    assert sorted(Attendance.objects.filter(enrolment=enrolments[0]).values_list("hours", flat=True)) == [
        Decimal("2.5"),
        Decimal("4"),
    ]
    assert Attendance.history.filter(enrolment_id=enrolments[0].pk).count() == 3


def test_attendance_sheet_save_hours_above_session_saves_nothing(cohort):
    session = cohort.sessions.first()
    first, second = cohort.enrolments.order_by("pk")[:2]

    with pytest.raises(ValidationError) as raised:
        attendance_sheet_save(
            cohort=cohort, hours={(session.pk, first.pk): Decimal("4"), (session.pk, second.pk): Decimal("5")}
        )

    assert raised.value.messages == [f"{second.participant}: unesite od 0 do 4,0 sati za sesiju {session}."]
    assert Attendance.objects.filter(session__cohort=cohort).count() == 0


def test_attendance_sheet_save_not_enrolled_saves_nothing(cohort):
    other = make_cohort(name="Južna Srbija, osnovni nivo", people=0)
    stranger = enrolment_create(cohort=other, participant=_outsider())
    session = cohort.sessions.first()
    member = cohort.enrolments.first()

    with pytest.raises(ValidationError) as raised:
        attendance_sheet_save(
            cohort=cohort, hours={(session.pk, member.pk): Decimal("4"), (session.pk, stranger.pk): Decimal("4")}
        )

    assert raised.value.messages == ["Prisustvo se može uneti samo za nekoga ko je upisan u ovu grupu."]
    assert Attendance.objects.filter(session__cohort__in=[cohort, other]).count() == 0


def test_attendance_full_clean_not_enrolled_is_refused(cohort):
    other = make_cohort(name="Južna Srbija, osnovni nivo", people=0)
    stranger = enrolment_create(cohort=other, participant=_outsider())
    session = cohort.sessions.first()

    with pytest.raises(ValidationError) as raised:
        Attendance(session=session, enrolment=stranger, hours=Decimal("1")).full_clean()

    assert raised.value.messages == [f"Amra Hadžić nije upisan(a) u grupu sesije {session}."]


def test_session_outside_cohort_dates_is_refused(cohort):
    session = cohort.sessions.first()
    session.held_on = date(2018, 3, 1)

    with pytest.raises(ValidationError) as raised:
        session.full_clean()

    assert raised.value.message_dict == {"held_on": ["Sesija mora biti u periodu grupe, od 01.10.2017 do 28.02.2018."]}


def test_cohort_close_completes_by_programme_rule_and_issues_certificates(cohort):
    sessions = list(cohort.sessions.order_by("held_on"))  # 3 × 4 hours = 12; 80 % is 9.6
    full, enough, short = cohort.enrolments.order_by("pk")
    hours = {}
    for session in sessions:
        hours[(session.pk, full.pk)] = Decimal("4")
        hours[(session.pk, short.pk)] = Decimal("3")
    hours |= {(sessions[0].pk, enough.pk): Decimal("4"), (sessions[1].pk, enough.pk): Decimal("4")}
    hours[(sessions[2].pk, enough.pk)] = Decimal("1.6")
    attendance_sheet_save(cohort=cohort, hours=hours)

    closing = cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))

    certificates = closing.certificates
    assert (closing.completed, closing.dropped_out, closing.still_invited) == (2, 1, 0)
    statuses = dict(Enrolment.objects.filter(cohort=cohort).values_list("pk", "status"))
    assert statuses == {
        full.pk: EnrolmentStatus.COMPLETED,
        enough.pk: EnrolmentStatus.COMPLETED,
        short.pk: EnrolmentStatus.DROPPED_OUT,
    }
    assert sorted(c.enrolment_id for c in certificates) == [full.pk, enough.pk]
    assert Certificate.objects.filter(enrolment__cohort=cohort).count() == 2
    cohort.refresh_from_db()
    assert cohort.closed_on == date(2018, 3, 1)


def test_cohort_close_counts_invitations_never_answered_and_leaves_them_invited(db):
    cohort = make_cohort(people=1)
    invited = [
        enrolment_create(cohort=cohort, participant=person, status=EnrolmentStatus.INVITED)
        for person in (
            _outsider(),
            Participant.objects.create(first_name="Đorđe", last_name="Ćirić", organisation="Омладински савет Ниш"),
        )
    ]

    closing = cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))

    assert (closing.completed, closing.dropped_out, closing.still_invited) == (0, 1, 2)
    assert set(Enrolment.objects.filter(pk__in=[e.pk for e in invited]).values_list("status", flat=True)) == {
        EnrolmentStatus.INVITED
    }


def test_cohort_close_twice_is_refused(cohort):
    cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))

    with pytest.raises(ValidationError) as raised:
        cohort_close(cohort=cohort)

    assert raised.value.messages == [f"Grupa {cohort} je već zatvorena."]


def test_enrolment_create_in_closed_cohort_is_refused(cohort):
    cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))

    with pytest.raises(ValidationError) as raised:
        enrolment_create(cohort=cohort, participant=_outsider())

    assert raised.value.messages == [f"Grupa {cohort} je zatvorena."]


def _certificate(cohort):
    enrolment = cohort.enrolments.first()
    attendance_sheet_save(cohort=cohort, hours={(s.pk, enrolment.pk): s.hours for s in cohort.sessions.all()})
    (certificate,) = cohort_close(cohort=cohort, closed_on=date(2018, 3, 1)).certificates
    return certificate


def test_certificate_code_is_twelve_unambiguous_characters(cohort):
    certificate = _certificate(cohort)

    assert len(certificate.code) == 12
    assert set(certificate.code) <= set("23456789ABCDEFGHJKMNPQRSTUVWXYZ")


def test_certificate_reissue_keeps_the_old_one_replaced(cohort):
    old = _certificate(cohort)

    new = certificate_reissue(certificate=old, issued_on=date(2019, 1, 10), note="Ispravljeno ime")

    old.refresh_from_db()
    assert (old.status, old.replaced_by_id, old.note) == (CertificateStatus.REPLACED, new.pk, "Ispravljeno ime")
    assert (new.status, new.enrolment_id, new.issued_on) == (
        CertificateStatus.VALID,
        old.enrolment_id,
        date(2019, 1, 10),
    )
    assert new.code != old.code


def test_certificate_revoke_keeps_the_row(cohort):
    certificate = _certificate(cohort)

    certificate_revoke(certificate=certificate, note="Greška u evidenciji", revoked_on=date(2018, 4, 1))

    certificate.refresh_from_db()
    assert (certificate.status, certificate.revoked_on) == (CertificateStatus.REVOKED, date(2018, 4, 1))
    with pytest.raises(ValidationError) as raised:
        certificate_reissue(certificate=certificate)
    assert raised.value.messages == ["Samo važeće uverenje može ponovo da se izda."]


def _survey():
    version = SurveyVersion.objects.create(title="Procena potreba koordinatora", published_on=date(2019, 5, 15))
    policy = CompetenceArea.objects.create(name="Javne politike na lokalu", position=1)
    projects = CompetenceArea.objects.create(name="Projekti lokalne zajednice", position=2)
    questions = [
        SurveyQuestion.objects.create(version=version, area=policy, text="Poznajem lokalne javne politike."),
        SurveyQuestion.objects.create(version=version, area=projects, text="Umem da napišem projektni predlog."),
    ]
    return version, policy, projects, questions


def test_survey_response_create_suggests_levels(db):
    version, policy, projects, (first, second) = _survey()

    response = survey_response_create(
        participant=_outsider(), version=version, answered_on=date(2017, 6, 1), ratings={first.pk: 1, second.pk: 5}
    )

    assert response.area_levels() == {policy: Level.BASIC, projects: Level.ADVANCED}
    assert response.suggested_level() == Level.INTERMEDIATE


def test_survey_response_create_rating_outside_scale_saves_nothing(db):
    version, _policy, _projects, (first, second) = _survey()

    with pytest.raises(ValidationError) as raised:
        survey_response_create(
            participant=_outsider(), version=version, answered_on=date(2017, 6, 1), ratings={first.pk: 3, second.pk: 6}
        )

    assert raised.value.message_dict == {str(second.pk): ["Unesite ocenu od 1 do 5."]}
    assert SurveyResponse.objects.filter(version=version).count() == 0


def test_survey_answer_outside_scale_is_refused_by_the_database(db):
    from django.db import IntegrityError, transaction

    version, _policy, _projects, (first, _second) = _survey()
    response = SurveyResponse.objects.create(participant=_outsider(), version=version, answered_on=date(2017, 6, 1))

    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyAnswer(response=response, question=first, rating=9).save()


@pytest.mark.parametrize(
    ("share", "level"),
    [
        (Decimal("0"), Level.BASIC),
        (Decimal("0.33"), Level.BASIC),
        (Decimal("0.34"), Level.INTERMEDIATE),
        (Decimal("0.66"), Level.INTERMEDIATE),
        (Decimal("0.67"), Level.ADVANCED),
        (Decimal("1"), Level.ADVANCED),
    ],
)
def test_level_for_share_follows_thirds(share, level):
    assert Level.for_share(share) == level
