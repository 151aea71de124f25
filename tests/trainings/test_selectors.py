from datetime import date
from decimal import Decimal

import pytest

from trainings.models import Enrolment, Participant, Programme
from trainings.selectors import attendance_sheet, participant_history, participant_survey_responses
from trainings.services import attendance_sheet_save, cohort_close, enrolment_create

from .conftest import make_cohort

pytestmark = pytest.mark.django_db


def _history_of(cohorts):
    person = Participant.objects.create(first_name="Lejla", last_name="Begović", organisation="Vijeće mladih Ključ")
    for cohort in cohorts:
        enrolment = enrolment_create(cohort=cohort, participant=person)
        attendance_sheet_save(cohort=cohort, hours={(s.pk, enrolment.pk): s.hours for s in cohort.sessions.all()})
        cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))
    return person


@pytest.mark.parametrize("count", [1, 3])
def test_participant_history_queries_do_not_grow(django_assert_num_queries, count):
    person = _history_of([make_cohort(name=f"Grupa {n}", people=0, sessions=2 + n) for n in range(count)])

    with django_assert_num_queries(3):
        history = participant_history(person)
        details = [
            (e.cohort.programme.name, e.hours_attended, [a.session.topic for a in e.attendances.all()],
             [c.code for c in e.certificates.all()])
            for e in history
        ]  # fmt: skip

    assert len(details) == count
    assert sorted(detail[1] for detail in details) == [Decimal(4 * (2 + n)) for n in range(count)]


def test_enrolments_for_participant_sum_hours(db):
    cohort = make_cohort(people=0, sessions=3)
    person = Participant.objects.create(first_name="Haris", last_name="Delić")
    enrolment = enrolment_create(cohort=cohort, participant=person)
    first, second, _third = cohort.sessions.order_by("held_on")
    attendance_sheet_save(
        cohort=cohort, hours={(first.pk, enrolment.pk): Decimal("4"), (second.pk, enrolment.pk): Decimal("1.5")}
    )

    (row,) = Enrolment.objects.for_participant(person)

    assert (row.hours_attended, row.cohort_hours) == (Decimal("5.5"), Decimal("12"))


def test_programme_with_results_counts_without_names(db):
    cohort = make_cohort(people=3, sessions=1)
    enrolment = cohort.enrolments.first()
    attendance_sheet_save(cohort=cohort, hours={(cohort.sessions.get().pk, enrolment.pk): Decimal("4")})
    cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))

    programme = Programme.objects.with_results().get(pk=cohort.programme_id)

    assert (programme.cohort_count, programme.participant_count, programme.coordinator_count) == (1, 3, 3)
    assert programme.completed_count == 1


@pytest.mark.parametrize(("sessions", "people"), [(1, 1), (5, 8)])
def test_attendance_sheet_selector_queries_do_not_grow(django_assert_num_queries, sessions, people):
    cohort = make_cohort(sessions=sessions, people=people)

    with django_assert_num_queries(3):
        columns, rows, hours = attendance_sheet(cohort)
        names = [str(enrolment.participant) for enrolment in rows]

    assert (len(columns), len(names), hours) == (sessions, people, {})


def test_participant_survey_responses_two_queries(django_assert_num_queries, coordinator_a):
    participant = coordinator_a.participant

    with django_assert_num_queries(2):
        responses = participant_survey_responses(participant)
        levels = [response.area_levels() for response in responses]

    assert len(levels) == 1
