"""Public pages are served from the cache to anonymous visitors, and never stale."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from offices.models import Office
from tests.conftest import set_language

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(memory_cache):
    memory_cache(page_seconds=300)


def test_second_visit_is_served_from_the_cache_without_queries(client, office_a):
    url = office_a.get_absolute_url()
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert len(queries) == 0
    assert "Cookie" in second["Vary"]


def test_a_change_to_the_data_shows_at_once(client, office_a, django_capture_on_commit_callbacks):
    url = reverse("offices:list") + "?district=RS-08&year=2018"
    assert "Kancelarija za mlade Šabac" in client.get(url).text
    assert client.get(url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        office_a.name = "Omladinski centar Šabac"
        office_a.save()
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Omladinski centar Šabac" in response.text


def test_each_language_has_its_own_copy(client, office_a):
    url = office_a.get_absolute_url()
    client.get(url)
    set_language(client, "sr")
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Канцеларија за младе Шабац" in response.text


def test_signed_in_visitors_get_their_own_page(client, coordinator_a):
    client.get(reverse("portal:home"))
    client.force_login(coordinator_a.user)
    response = client.get(reverse("portal:home"))
    assert "X-Page-Cache" not in response
    assert coordinator_a.user.get_username() in response.text or coordinator_a.first_name in response.text


def test_query_strings_are_told_apart(client):
    client.get(reverse("offices:geojson"), {"status": "open"})
    response = client.get(reverse("offices:geojson"), {"status": "closed"})
    assert response["X-Page-Cache"] == "miss"
    assert {f["properties"]["status"] for f in response.json()["features"]} == {"closed"}


def test_an_import_makes_the_pages_fresh(client, django_capture_on_commit_callbacks):
    from offices.importers import OfficeImport
    from tests.conftest import free_areas
    from tests.imports.files import run_rows

    area = free_areas()[0]
    url = reverse("offices:list") + f"?q={area.name}"
    assert client.get(url).context["paginator"].count == 0
    with django_capture_on_commit_callbacks(execute=True):
        run_rows(
            OfficeImport(), ["opština", "naziv", "status", "otvorena"], [[area.name, "KZM", "otvorena", "01.02.2020"]]
        )
    assert f"{area.name}" in client.get(url).text
    assert Office.objects.filter(area=area).count() == 1


def test_a_new_release_of_the_code_does_not_get_old_pages(client, settings):
    url = reverse("offices:map")
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    settings.RELEASE = "2026-12-01"
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_pages_are_stored_and_served_compressed_to_browsers_that_accept_it(client):
    import gzip

    url = reverse("offices:geojson")
    plain = client.get(url).content
    first = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    second = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert (first["Content-Encoding"], second["Content-Encoding"], second["X-Page-Cache"]) == ("gzip", "gzip", "hit")
    assert gzip.decompress(second.content) == plain
    assert len(second.content) < len(plain) / 3
    assert "Accept-Encoding" in second["Vary"]
    assert "Content-Encoding" not in client.get(url)


@pytest.mark.parametrize(
    "query",
    [
        {"q": "sabac"},  # searches are answered afresh
        {"utm_source": "newsletter"},  # unknown parameters too
        {"status": "x" * 200},  # and overlong values
    ],
)
def test_what_could_fill_the_cache_is_never_stored(client, query):
    client.get(reverse("offices:list"), query)
    assert "X-Page-Cache" not in client.get(reverse("offices:list"), query)


def test_an_invalid_filter_is_not_stored(client):
    client.get(reverse("offices:map"), {"country": "XX"})
    assert client.get(reverse("offices:map"), {"country": "XX"}).get("X-Page-Cache") is None


def test_a_host_not_allowed_never_gets_a_cached_page(client):
    client.get(reverse("offices:map"))
    assert client.get(reverse("offices:map"))["X-Page-Cache"] == "hit"
    assert client.get(reverse("offices:map"), headers={"host": "zlo.example"}).status_code == 400


@pytest.mark.parametrize("accept", ["gzip;q=0", "identity, gzip;q=0", "br"])
def test_gzip_only_to_those_who_accept_it(client, accept):
    response = client.get(reverse("offices:geojson"), headers={"accept-encoding": accept})
    assert "Content-Encoding" not in response


def test_pages_render_when_the_cache_is_down(client, settings, office_a):
    working = settings.CACHES
    settings.CACHES = {"default": {"BACKEND": "portal.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    try:
        for url in (
            reverse("portal:home"),
            reverse("offices:list"),
            office_a.get_absolute_url(),
            reverse("offices:map"),
        ):
            assert client.get(url).status_code == 200, url
    finally:
        settings.CACHES = working


def test_a_transaction_bumps_the_version_once_however_many_rows_it_writes(office_a, office_b):
    from django.db import connection, transaction

    from portal.page_cache import _Bump

    with transaction.atomic():
        for office in (office_a, office_b, office_a):
            office.save()
        pending = [callback for _ids, callback, _robust in connection.run_on_commit if isinstance(callback, _Bump)]
        assert len(pending) == 1


def test_a_change_after_a_rolled_back_savepoint_still_bumps(office_a, django_capture_on_commit_callbacks):
    from django.db import transaction

    from portal.page_cache import VERSION_KEY

    cache.set(VERSION_KEY, 1.0, timeout=None)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                office_a.save()
                raise RuntimeError("import refused")
        except RuntimeError:
            pass
        office_a.save()
    assert cache.get(VERSION_KEY) > 1.0
