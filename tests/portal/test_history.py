"""delete_with_history: a bulk delete with a "-" history row each, only of records nothing points to."""

import pytest
from django.db import models
from django.db.models import ProtectedError

from areas.models import Area
from offices.models import Coordinator
from portal.history import delete_with_history
from tests.factories import CoordinatorFactory
from trainings.models import Participant, SurveyResponse

pytestmark = pytest.mark.django_db


def test_delete_with_history_refuses_records_something_points_to_and_writes_nothing(office_a):
    free = CoordinatorFactory()
    appointed = Coordinator.objects.filter(appointments__office=office_a).first()
    rows = Coordinator.history.count()

    with pytest.raises(ProtectedError) as refusal:
        delete_with_history([free, appointed], Coordinator, reason="test")

    assert refusal.value.protected_objects == {
        *appointed.appointments.all(),
        *Participant.objects.filter(coordinator=appointed),
    }
    assert set(Coordinator.objects.filter(pk__in=[free.pk, appointed.pk])) == {free, appointed}
    assert Coordinator.history.count() == rows


def test_delete_with_history_deletes_records_nothing_points_to_in_four_queries(django_assert_num_queries):
    people = [CoordinatorFactory(), CoordinatorFactory()]

    # What may point to a coordinator (appointments, participants: one query each), the history rows, the delete.
    with django_assert_num_queries(4):
        delete_with_history(people, Coordinator, reason="test")

    assert not Coordinator.objects.filter(pk__in=[person.pk for person in people]).exists()
    assert [row.history_type for row in Coordinator.history.filter(id=people[0].pk).order_by("history_id")] == [
        "+",
        "-",
    ]


def test_delete_with_history_refuses_records_whose_rows_would_go_with_them():
    """A survey's answers would be cascaded away with their response: refused as well, naming them."""
    response = SurveyResponse.objects.filter(answers__isnull=False).first()
    answers = set(response.answers.all())

    with pytest.raises(ProtectedError) as refusal:
        delete_with_history([response], SurveyResponse)

    assert refusal.value.protected_objects == answers
    assert set(SurveyResponse.objects.get(pk=response.pk).answers.all()) == answers


def test_delete_with_history_refuses_records_of_the_same_model_a_cascade_would_take(monkeypatch):
    """No model of ours has a self-referencing CASCADE (an area's parent is PROTECT): as if it had one."""
    monkeypatch.setattr(Area._meta.get_field("parent").remote_field, "on_delete", models.CASCADE)
    above = Area.objects.create(code="RS-TEST-ABOVE", name="Gore", kind="district", parent=Area.objects.get(code="RS"))
    below = Area.objects.create(code="RS-TEST-BELOW", name="Dole", kind="municipality", parent=above)
    rows = Area.history.count()

    with pytest.raises(ProtectedError) as refusal:
        delete_with_history([above], Area)

    assert refusal.value.protected_objects == {below}
    assert (Area.objects.filter(pk__in=[above.pk, below.pk]).count(), Area.history.count()) == (2, rows)
