from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from offices.models import Coordinator
from trainings.forms import cell_name
from trainings.models import (
    Attendance,
    Certificate,
    CertificateStatus,
    Cohort,
    Enrolment,
    Participant,
    Programme,
    Session,
)
from trainings.services import cohort_close, enrolment_create, participant_for_coordinator

from .conftest import make_cohort

pytestmark = pytest.mark.django_db


def _sheet_url(cohort):
    return reverse("admin:trainings_cohort_attendance", args=[cohort.pk])


@pytest.mark.parametrize(
    "model", [Programme, Cohort, Session, Participant, Enrolment, Attendance, Certificate], ids=lambda m: m.__name__
)
def test_changelist_and_search_answer_staff(client, staff_user, cohort, model):
    client.force_login(staff_user)

    response = client.get(reverse(f"admin:trainings_{model._meta.model_name}_changelist"), {"q": "sabac"})

    assert response.status_code == 200


def test_participant_search_finds_coordinator_in_any_script(client, staff_user, cohort):
    person = cohort.enrolments.first().participant
    client.force_login(staff_user)

    response = client.get(
        reverse("admin:trainings_participant_changelist"), {"q": person.coordinator.last_name.upper()}
    )

    assert person in response.context["cl"].result_list


@pytest.mark.parametrize("sizes", [(2, 2), (6, 12)])
def test_attendance_sheet_queries_do_not_grow(client, staff_user, django_assert_num_queries, sizes):
    sessions, people = sizes
    cohort = make_cohort(sessions=sessions, people=people)
    client.force_login(staff_user)

    with django_assert_num_queries(6):
        response = client.get(_sheet_url(cohort))

    assert response.status_code == 200
    assert len(response.context["form"].fields) == sessions * people


def test_attendance_sheet_is_staff_only(client, coordinator_a, cohort):
    client.force_login(coordinator_a.user)

    response = client.get(_sheet_url(cohort))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_attendance_sheet_saves_40_by_10_in_a_handful_of_queries(client, staff_user, django_assert_max_num_queries):
    cohort = make_cohort(sessions=10, people=40)
    sessions = list(cohort.sessions.all())
    enrolments = list(cohort.enrolments.all())
    data = {cell_name(s.pk, e.pk): "3,5" for s in sessions for e in enrolments}
    client.force_login(staff_user)

    with django_assert_max_num_queries(16):
        response = client.post(_sheet_url(cohort), data)

    assert response.status_code == 302
    assert Attendance.objects.filter(session__cohort=cohort).count() == 400
    history = Attendance.history.filter(session_id__in=[s.pk for s in sessions])
    assert (history.count(), history.filter(history_user=staff_user).count()) == (400, 400)


def test_attendance_sheet_hours_above_session_saves_nothing(client, staff_user, cohort):
    session = cohort.sessions.first()
    first, second = cohort.enrolments.order_by("pk")[:2]
    client.force_login(staff_user)

    response = client.post(
        _sheet_url(cohort), {cell_name(session.pk, first.pk): "4", cell_name(session.pk, second.pk): "7"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        cell_name(session.pk, second.pk): ["Najviše 4,0 sati: koliko traje sesija."]
    }
    assert "Ništa nije sačuvano." in response.content.decode()
    assert Attendance.objects.filter(session__cohort=cohort).count() == 0


def test_attendance_sheet_page_has_no_inline_style_or_script(client, staff_user, cohort):
    client.force_login(staff_user)

    body = client.get(_sheet_url(cohort)).content.decode()

    assert " style=" not in body
    assert "<script>" not in body
    assert "trainings/attendance.css" in body


def test_certificate_reissue_action_keeps_old_row(client, staff_user, cohort):
    enrolment = cohort.enrolments.first()
    Attendance.objects.bulk_create(
        Attendance(session=session, enrolment=enrolment, hours=session.hours) for session in cohort.sessions.all()
    )
    (certificate,) = cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))
    client.force_login(staff_user)

    client.post(
        reverse("admin:trainings_certificate_changelist"),
        {"action": "reissue", "_selected_action": [certificate.pk]},
    )

    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REPLACED
    assert Certificate.objects.filter(enrolment=enrolment).count() == 2


def test_close_cohorts_action_issues_certificates(client, staff_user, cohort):
    enrolment = cohort.enrolments.first()
    Attendance.objects.bulk_create(
        Attendance(session=session, enrolment=enrolment, hours=session.hours) for session in cohort.sessions.all()
    )
    client.force_login(staff_user)

    client.post(
        reverse("admin:trainings_cohort_changelist"), {"action": "close_cohorts", "_selected_action": [cohort.pk]}
    )

    assert Certificate.objects.filter(enrolment__cohort=cohort).count() == 1
    assert Cohort.objects.get(pk=cohort.pk).closed_on is not None


def test_enrolment_create_locks_and_participant_of_unlinked_person(db):
    cohort = make_cohort(people=0, capacity=1)
    coordinator = Coordinator.objects.order_by("pk").first()

    enrolment = enrolment_create(cohort=cohort, participant=participant_for_coordinator(coordinator=coordinator))

    assert enrolment.participant.coordinator == coordinator
    assert Decimal(Enrolment.objects.with_hours().get(pk=enrolment.pk).hours_attended) == Decimal("0")


def test_enrolment_add_in_full_cohort_is_refused(client, staff_user):
    cohort = make_cohort(people=2, capacity=2)
    outsider = Participant.objects.create(first_name="Selma", last_name="Mujić", organisation="Vijeće mladih Cazin")
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:trainings_enrolment_add"),
        {"cohort": cohort.pk, "participant": outsider.pk, "status": "enrolled"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        f"Grupa {cohort} je popunjena: zauzeta su sva mesta (2)."
    ]
    assert cohort.enrolments.count() == 2


def test_enrolment_add_with_room_saves(client, staff_user):
    cohort = make_cohort(people=1, capacity=2)
    outsider = Participant.objects.create(first_name="Selma", last_name="Mujić", organisation="Vijeće mladih Cazin")
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:trainings_enrolment_add"),
        {"cohort": cohort.pk, "participant": outsider.pk, "status": "enrolled"},
    )

    assert response.status_code == 302
    assert cohort.enrolments.filter(participant=outsider).count() == 1
