from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from offices.models import Coordinator
from trainings.models import (
    Attendance,
    Certificate,
    CertificateStatus,
    Cohort,
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
    cohort_closing_plan,
    enrolment_create,
    for_closing,
    participant_for_coordinator,
    survey_response_save,
)

from ..conftest import TODAY
from .conftest import make_cohort, running_cohort

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

    saved = attendance_sheet_save(
        cohort=cohort,
        hours={
            (sessions[0].pk, enrolments[0].pk): Decimal("2.5"),
            (sessions[1].pk, enrolments[0].pk): Decimal("4"),
            (sessions[1].pk, enrolments[1].pk): None,
        },
    )

    assert (saved.created, saved.updated, saved.deleted) == (1, 1, 0)
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

    assert raised.value.messages == [f"{second.participant}: unesite od 0 do 4 h za sesiju {session}."]
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

    assert raised.value.messages == [f"Amra Hadžić nema upis u grupu sesije {session}."]


def test_session_outside_cohort_dates_is_refused(cohort):
    session = cohort.sessions.first()
    session.held_on = date(2018, 3, 1)

    with pytest.raises(ValidationError) as raised:
        session.full_clean()

    assert raised.value.message_dict == {"held_on": ["Sesija mora biti u periodu grupe, od 01.10.2017. do 28.02.2018."]}


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

    new = certificate_reissue(certificate=old, issued_on=date(2019, 1, 10), reason="Ispravljeno ime")

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

    certificate_revoke(certificate=certificate, reason="Greška u evidenciji", revoked_on=date(2018, 4, 1))

    certificate.refresh_from_db()
    assert (certificate.status, certificate.revoked_on, certificate.note) == (
        CertificateStatus.REVOKED,
        date(2018, 4, 1),
        "Greška u evidenciji",
    )


def _survey():
    version = SurveyVersion.objects.create(title="Procena potreba koordinatora", published_on=date(2019, 5, 15))
    policy = CompetenceArea.objects.create(name="Javne politike na lokalu", position=1)
    projects = CompetenceArea.objects.create(name="Projekti lokalne zajednice", position=2)
    questions = [
        SurveyQuestion.objects.create(version=version, area=policy, text="Poznajem lokalne javne politike."),
        SurveyQuestion.objects.create(version=version, area=projects, text="Umem da napišem projektni predlog."),
    ]
    return version, policy, projects, questions


def test_survey_response_save_suggests_levels(db):
    version, policy, projects, (first, second) = _survey()

    response = survey_response_save(
        participant=_outsider(), version=version, answered_on=date(2017, 6, 1), ratings={first.pk: 1, second.pk: 5}
    ).response

    assert response.area_levels() == {policy: Level.BASIC, projects: Level.ADVANCED}
    assert response.suggested_level() == Level.INTERMEDIATE


def test_survey_response_save_rating_outside_scale_saves_nothing(db):
    version, _policy, _projects, (first, second) = _survey()

    with pytest.raises(ValidationError) as raised:
        survey_response_save(
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


# Completion only by closing


def test_enrolment_create_completed_is_refused_in_the_users_language(cohort):
    with pytest.raises(ValidationError) as latin:
        enrolment_create(cohort=cohort, participant=_outsider(), status=EnrolmentStatus.COMPLETED)
    with translation.override("en"), pytest.raises(ValidationError) as english:
        enrolment_create(cohort=cohort, participant=_outsider(), status=EnrolmentStatus.COMPLETED)

    assert latin.value.messages == [
        "„završena obuka“ ne može da se postavi ručno: završetak sledi pravilo programa kada se grupa zatvori. "
        "Izaberite „poslat poziv“, „potvrđen upis“ ili „odustajanje“."
    ]
    assert english.value.messages == [
        "“completed” cannot be set by hand: Completion follows the programme's rule when the cohort is closed. "
        "Choose invited, enrolled or dropped out."
    ]
    assert cohort.enrolments.count() == 3


# Attendance: only of sessions held, only while the cohort is open


def test_attendance_sheet_save_in_a_closed_cohort_saves_nothing(cohort):
    enrolment = cohort.enrolments.order_by("pk").first()
    session = cohort.sessions.order_by("held_on").first()
    cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))

    with pytest.raises(ValidationError) as latin:
        attendance_sheet_save(cohort=cohort, hours={(session.pk, enrolment.pk): Decimal("4")})
    with translation.override("en"), pytest.raises(ValidationError) as english:
        attendance_sheet_save(cohort=cohort, hours={(session.pk, enrolment.pk): Decimal("4")})

    assert latin.value.messages == [
        f"Grupa {cohort} je zatvorena 01.03.2018.: njeno prisustvo više ne može da se menja."
    ]
    assert english.value.messages == [
        f"The cohort {cohort} was closed on 1 Mar 2018: its attendance can no longer be changed."
    ]
    assert Attendance.objects.filter(session__cohort=cohort).count() == 0


def test_attendance_sheet_save_for_a_session_still_to_come_saves_nothing(db):
    cohort = running_cohort()
    past, _today, coming = cohort.sessions.order_by("held_on")
    enrolment = cohort.enrolments.order_by("pk").first()
    hours = {(past.pk, enrolment.pk): Decimal("4"), (coming.pk, enrolment.pk): Decimal("4")}

    with pytest.raises(ValidationError) as latin:
        attendance_sheet_save(cohort=cohort, hours=hours)
    with translation.override("en"), pytest.raises(ValidationError) as english:
        attendance_sheet_save(cohort=cohort, hours=hours)
    with translation.override("en"):
        english_messages = english.value.messages  # the rule's messages are lazy: read in the language

    assert latin.value.messages == [f"Sesija {coming} još nije održana: prisustvo se unosi od tog dana."]
    with translation.override("en"):
        coming_in_english = str(coming)
    assert english_messages == [
        f"The session {coming_in_english} has not taken place yet: its attendance can be recorded from that day on."
    ]
    assert Attendance.objects.filter(session__cohort=cohort).count() == 0


def test_attendance_sheet_save_of_a_session_held_today_and_empty_cells_ahead_is_accepted(db):
    cohort = running_cohort()
    past, today, coming = cohort.sessions.order_by("held_on")
    enrolment = cohort.enrolments.order_by("pk").first()

    saved = attendance_sheet_save(
        cohort=cohort,
        hours={(past.pk, enrolment.pk): Decimal("4"), (today.pk, enrolment.pk): Decimal("3"), (coming.pk, enrolment.pk): None},
    )  # fmt: skip

    assert (saved.created, saved.updated) == (2, 0)
    assert today.held_on == TODAY


def test_attendance_full_clean_of_a_closed_cohort_or_a_session_still_to_come_is_refused(db):
    closed = make_cohort(people=1)
    cohort_close(cohort=closed, closed_on=date(2018, 3, 1))
    closed.refresh_from_db()
    running = running_cohort(people=1)
    coming = running.sessions.order_by("held_on").last()

    with translation.override("en"):
        with pytest.raises(ValidationError) as in_closed:
            Attendance(
                session=closed.sessions.first(), enrolment=closed.enrolments.get(), hours=Decimal("1")
            ).full_clean()
        with pytest.raises(ValidationError) as ahead:
            Attendance(session=coming, enrolment=running.enrolments.get(), hours=Decimal("1")).full_clean()
        messages = in_closed.value.messages, ahead.value.messages
        coming_name = str(coming)

    assert messages[0] == [f"The cohort {closed} was closed on 1 Mar 2018: its attendance can no longer be changed."]
    assert messages[1] == [
        f"The session {coming_name} has not taken place yet: its attendance can be recorded from that day on."
    ]


# Closing: only once the last session has taken place; the plan is the close, unwritten


def test_cohort_close_before_its_last_session_is_refused_and_writes_nothing(db):
    cohort = running_cohort()
    coming = cohort.sessions.order_by("held_on").last()

    with pytest.raises(ValidationError) as latin:
        cohort_close(cohort=cohort)
    with translation.override("en"), pytest.raises(ValidationError) as english:
        cohort_close(cohort=cohort)

    assert latin.value.messages == [
        f"Grupa {cohort} ne može da se zatvori pre nego što se održi njena poslednja sesija, {coming.held_on:%d.%m.%Y.}"
    ]
    assert english.value.messages == [
        f"The cohort {cohort} cannot be closed before its last session has taken place, on {coming.held_on.day} {coming.held_on:%b %Y}."
    ]
    cohort.refresh_from_db()
    assert cohort.closed_on is None
    assert set(cohort.enrolments.values_list("status", flat=True)) == {EnrolmentStatus.ENROLLED}
    assert Certificate.objects.filter(enrolment__cohort=cohort).count() == 0


def test_cohort_close_on_the_day_of_its_last_session_is_accepted(db):
    cohort = make_cohort(
        people=1, starts_on=TODAY - timedelta(days=10), ends_on=TODAY + timedelta(days=5), days=[TODAY]
    )
    session, enrolment = cohort.sessions.get(), cohort.enrolments.get()
    attendance_sheet_save(cohort=cohort, hours={(session.pk, enrolment.pk): session.hours})

    closing = cohort_close(cohort=cohort)

    assert (closing.completed, closing.dropped_out) == (1, 0)
    assert Cohort.objects.get(pk=cohort.pk).closed_on == TODAY


@pytest.mark.parametrize(
    ("sessions", "closed_on", "message"),
    [
        (0, None, "The cohort {cohort} has no sessions: there is nothing to complete yet."),
        (3, TODAY + timedelta(days=1), "The cohort {cohort} cannot be closed on a day still to come (16 Jun 2026)."),
        (
            3,
            date(2017, 10, 3),
            "The cohort {cohort} cannot be closed before its last session has taken place, on 4 Oct 2017.",
        ),
    ],
    ids=["no sessions", "closing day ahead", "closing day before the last session"],
)
def test_cohort_close_refusals(db, sessions, closed_on, message):
    cohort = make_cohort(sessions=sessions)

    with translation.override("en"), pytest.raises(ValidationError) as raised:
        cohort_close(cohort=cohort, closed_on=closed_on)

    assert raised.value.messages == [message.format(cohort=cohort)]
    assert Cohort.objects.get(pk=cohort.pk).closed_on is None


def test_cohort_closing_plan_is_what_the_close_does_and_writes_nothing(cohort):
    full, short, invited = cohort.enrolments.order_by("pk")
    invited.status = EnrolmentStatus.INVITED
    invited.save()
    attendance_sheet_save(cohort=cohort, hours={(s.pk, full.pk): s.hours for s in cohort.sessions.all()})

    plan = cohort_closing_plan(cohort=for_closing(Cohort.objects).get(pk=cohort.pk))

    assert ([e.pk for e in plan.completed], [e.pk for e in plan.dropped_out], plan.still_invited) == (
        [full.pk],
        [short.pk],
        1,
    )
    assert set(cohort.enrolments.values_list("status", flat=True)) == {"enrolled", "invited"}
    closing = cohort_close(cohort=cohort)
    assert ([c.enrolment_id for c in closing.certificates], closing.dropped_out, closing.still_invited) == (
        [full.pk],
        1,
        1,
    )


# Certificates: revoke and re-issue, with a reason


def test_certificate_revoke_or_reissue_without_a_reason_is_refused(cohort):
    certificate = _certificate(cohort)

    with pytest.raises(ValidationError) as revoke:
        certificate_revoke(certificate=certificate, reason="  ")
    with translation.override("en"), pytest.raises(ValidationError) as reissue:
        certificate_reissue(certificate=certificate, reason="")

    assert revoke.value.messages == ["Navedite razlog: čuva se uz uverenje."]
    assert reissue.value.messages == ["Give the reason: it is kept with the certificate."]
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_certificate_reissue_of_a_revoked_one_issues_a_valid_one_and_the_revoked_stays_revoked(cohort):
    revoked = certificate_revoke(certificate=_certificate(cohort), reason="Greška u evidenciji")

    new = certificate_reissue(certificate=revoked, reason="Opozvano greškom: prisustvo je bilo tačno.")

    revoked.refresh_from_db()
    assert (revoked.status, revoked.replaced_by_id, revoked.note) == (
        CertificateStatus.REVOKED,
        None,
        "Greška u evidenciji",
    )
    assert (new.status, new.enrolment_id, new.note) == (
        CertificateStatus.VALID,
        revoked.enrolment_id,
        "Opozvano greškom: prisustvo je bilo tačno.",
    )
    with translation.override("en"), pytest.raises(ValidationError) as again:
        certificate_reissue(certificate=revoked, reason="Još jednom")
    assert again.value.messages == [
        f"{revoked.code} is revoked and its enrolment has a valid certificate, {new.code}: re-issue that one."
    ]


def test_certificate_replaced_can_be_neither_revoked_nor_reissued(cohort):
    old = _certificate(cohort)
    new = certificate_reissue(certificate=old, reason="Ispravljeno ime")

    with pytest.raises(ValidationError) as revoke:
        certificate_revoke(certificate=old, reason="Greška")
    with translation.override("en"), pytest.raises(ValidationError) as reissue:
        certificate_reissue(certificate=old, reason="Greška")

    assert revoke.value.messages == [f"{old.code} je zamenjeno uverenjem {new.code}: opozovite {new.code}."]
    assert reissue.value.messages == [f"{old.code} was replaced by {new.code}: re-issue {new.code} instead."]
    assert Certificate.objects.filter(enrolment_id=old.enrolment_id).count() == 2


def test_certificate_revoke_twice_is_refused_naming_the_day(cohort):
    certificate = certificate_revoke(certificate=_certificate(cohort), reason="Greška", revoked_on=date(2019, 2, 1))

    with translation.override("en"), pytest.raises(ValidationError) as raised:
        certificate_revoke(certificate=certificate, reason="Opet")

    assert raised.value.messages == [f"{certificate.code} is already revoked (on 1 Feb 2019)."]
