"""A "Save and continue" on an admin change form where nothing was changed adds no history row and
leaves the data version as it was (portal.history.UnchangedNotSaved); a real change still records one."""

import pytest
from django.urls import reverse

from areas.models import ProgrammeRegion
from offices.models import Office
from portal.models import DataVersion
from tests.offices.test_admin_lifecycle import posted_form
from trainings.models import Participant

pytestmark = pytest.mark.django_db


def save_and_continue(client, url, committed, **changes):
    data = {**posted_form(client.get(url)), **changes, "_continue": "1"}
    before = DataVersion.objects.get().number
    with committed():
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    return DataVersion.objects.get().number - before


@pytest.mark.parametrize(
    ("model", "changes"),
    [
        (Office, {"working_hours": "Radnim danima 9–17 č"}),
        (Participant, {"organisation": "Savet mladih Ćuprija"}),
        (ProgrammeRegion, {"name": "Južna i istočna Srbija"}),
    ],
)
def test_a_save_without_change_adds_no_history_row_and_bumps_nothing(superuser_client, committed, model, changes):
    record = model.objects.order_by("pk").first()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[record.pk])
    rows = record.history.count()

    bumped = save_and_continue(superuser_client, url, committed)

    assert (record.history.count(), bumped) == (rows, 0)
    bumped = save_and_continue(superuser_client, url, committed, **changes)
    assert (record.history.count(), bumped) == (rows + 1, 1)
    assert [getattr(model.objects.get(pk=record.pk), name) for name in changes] == list(changes.values())
