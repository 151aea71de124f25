"""simple-history's revert page brings back a past version whole: its fields and the many-to-many
relations its history keeps (a programme region's areas), and a revert is saved though its form is
untouched (portal.history.UnchangedNotSaved)."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import translation

from areas.models import Area, ProgrammeRegion
from tests.offices.test_admin_lifecycle import posted_form

pytestmark = pytest.mark.django_db


def test_a_revert_brings_back_the_versions_fields_and_areas(superuser_client):
    first, second, third = Area.objects.filter(kind="municipality").order_by("pk")[:3]
    region = ProgrammeRegion.objects.create(name="Zapadna Srbija", slug="zapadna-srbija")
    region.areas.set([first, second])
    version = region.history.latest("history_date")
    region.name = "Šumadija"
    region.save()
    region.areas.set([third])
    rows = region.history.count()
    url = reverse("admin:areas_programmeregion_simple_history", args=[region.pk, version.history_id])

    shown = superuser_client.get(url)
    response = superuser_client.post(url, posted_form(shown))

    assert response.status_code == 302
    region.refresh_from_db()
    assert (region.name, set(region.areas.all())) == ("Zapadna Srbija", {first, second})
    assert region.history.count() > rows
    latest = region.history.latest("history_date")
    assert (latest.name, {row.area for row in latest.areas.all()}) == ("Zapadna Srbija", {first, second})


def test_a_revert_to_the_current_version_writes_nothing(superuser_client):
    first, second = Area.objects.filter(kind="municipality").order_by("pk")[:2]
    region = ProgrammeRegion.objects.create(name="Zapadna Srbija", slug="zapadna-srbija")
    region.areas.set([first, second])
    version = region.history.latest("history_date")
    rows = region.history.count()
    url = reverse("admin:areas_programmeregion_simple_history", args=[region.pk, version.history_id])

    response = superuser_client.post(url, posted_form(superuser_client.get(url)))

    assert response.status_code == 302
    assert (region.history.count(), set(region.areas.all())) == (rows, {first, second})


def test_a_revert_of_the_areas_alone_restores_them_and_says_so(superuser_client):
    first, second, third = Area.objects.filter(kind="municipality").order_by("pk")[:3]
    region = ProgrammeRegion.objects.create(name="Zapadna Srbija", slug="zapadna-srbija")
    region.areas.set([first, second])
    version = region.history.latest("history_date")
    region.areas.set([third])
    rows = region.history.count()
    url = reverse("admin:areas_programmeregion_simple_history", args=[region.pk, version.history_id])

    response = superuser_client.post(url, posted_form(superuser_client.get(url)))

    assert response.status_code == 302
    assert set(region.areas.all()) == {first, second}
    # simple-history's rows of the areas' set(): those taken away, those added; the record was not saved again.
    assert region.history.count() == rows + 2
    latest = region.history.latest("history_date")
    assert {row.area for row in latest.areas.all()} == {first, second}
    entry = LogEntry.objects.filter(object_id=str(region.pk)).latest("action_time")
    with translation.override("en"):
        assert entry.get_change_message() == "Changed Areas."
