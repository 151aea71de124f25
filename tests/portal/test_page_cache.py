"""Public pages are kept for anonymous visitors until the data changes: the data version in the database."""

import gzip
import io

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from areas.models import Area, ProgrammeRegion
from offices.models import Appointment, Coordinator, Membership, Office
from portal.models import DataVersion
from portal.page_cache import data_changed
from tests.conftest import set_language

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(memory_cache):
    memory_cache(page_seconds=300)


def version():
    return DataVersion.objects.get().number


def test_a_second_visit_is_served_from_the_cache_asking_only_the_data_version(client, office_a):
    url = office_a.get_absolute_url()
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert len(queries) == 1
    assert "FROM portal_dataversion" in queries[0]["sql"]
    assert "Cookie" in second["Vary"]


def test_a_change_to_the_data_shows_at_once(client, office_a, committed):
    url = reverse("offices:list") + "?district=RS-08&year=2018"
    assert "Kancelarija za mlade Šabac" in client.get(url).text
    assert client.get(url)["X-Page-Cache"] == "hit"
    office_a.name = "Omladinski centar Šabac"
    with committed():
        office_a.save()
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Omladinski centar Šabac" in response.text


@pytest.mark.parametrize(
    "change",
    [
        lambda office: office.save(),
        lambda office: office.area.save(),
        lambda office: Coordinator.objects.order_by("pk").first().save(),
        lambda office: Appointment.objects.order_by("pk").first().delete(),
        lambda office: Membership.objects.order_by("pk").first().save(),
        lambda office: ProgrammeRegion.objects.create(name="Zapadna Srbija").areas.add(office.area),
    ],
    ids=["office", "area", "coordinator", "appointment deleted", "membership", "programme region's areas"],
)
def test_a_change_to_any_model_of_the_project_bumps_the_version(office_a, change, committed):
    before = version()
    with committed():
        change(office_a)
    assert version() == before + 1  # once per transaction, however many rows it wrote


def test_what_the_pages_do_not_show_leaves_the_version_alone(client, staff_user):
    before = version()
    client.force_login(staff_user)  # a session, the user's last sign-in
    Session.objects.all().delete()
    assert version() == before


def test_a_rolled_back_change_leaves_the_version_as_it_was(office_a):
    before = version()
    with pytest.raises(RuntimeError), transaction.atomic():
        office_a.save()
        raise RuntimeError("import refused")
    assert version() == before


def test_a_bulk_write_bumps_the_version_with_one_call(client, committed):
    url = reverse("offices:list") + "?status=closed"
    client.get(url)
    with committed():
        Office.objects.filter(status="closed").update(status="inactive")  # sends no signal
    assert client.get(url)["X-Page-Cache"] == "hit"  # the documented mistake
    with committed():
        data_changed()
    assert client.get(url)["X-Page-Cache"] == "miss"


def test_refreshing_the_area_paths_bumps_the_version(committed):
    from areas.services import areas_refresh_paths

    Area.objects.filter(code="RS-SABAC").update(path="stale")
    before = version()
    with committed():
        assert areas_refresh_paths() == 1
    assert version() > before


def test_each_language_has_its_own_copy(client, office_a):
    url = office_a.get_absolute_url()
    client.get(url)
    set_language(client, "sr")
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Канцеларија за младе Шабац" in response.text


def test_the_language_cookie_of_old_does_not_pick_a_copy(client, office_a):
    url = office_a.get_absolute_url()
    client.get(url)
    client.cookies["django_language"] = "sr"
    response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert "Kancelarija za mlade Šabac" in response.text


def test_signed_in_visitors_get_their_own_page_marked_private(client, coordinator_a):
    client.get(reverse("portal:home"))
    client.force_login(coordinator_a.user)
    response = client.get(reverse("portal:home"))
    assert "X-Page-Cache" not in response
    assert coordinator_a.user.get_full_name() in response.text
    assert response["Cache-Control"] == "private"
    client.logout()
    assert "private" not in client.get(reverse("portal:home")).get("Cache-Control", "")


def test_query_strings_are_told_apart(client):
    client.get(reverse("offices:geojson"), {"status": "open"})
    response = client.get(reverse("offices:geojson"), {"status": "closed"})
    assert response["X-Page-Cache"] == "miss"
    assert {f["properties"]["status"] for f in response.json()["features"]} == {"closed"}


def test_an_import_makes_the_pages_fresh(client, committed):
    from offices.importers import OfficeImport
    from tests.conftest import free_areas
    from tests.imports.files import run_rows

    area = free_areas()[0]
    url = reverse("offices:list") + "?status=open&page=2"
    before = client.get(url).context["paginator"].count
    with committed():
        run_rows(
            OfficeImport(), ["opština", "naziv", "status", "otvorena"], [[area.name, "KZM", "otvorena", "01.02.2020"]]
        )
    assert client.get(url).context["paginator"].count == before + 1


def test_a_new_release_of_the_code_does_not_get_old_pages(client, settings):
    url = reverse("offices:map")
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    settings.RELEASE = "2026-12-01"
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_pages_are_stored_and_served_compressed_to_browsers_that_accept_it(client):
    url = reverse("offices:map")
    plain = client.get(url).content
    first = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    second = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert (first["Content-Encoding"], second["Content-Encoding"], second["X-Page-Cache"]) == ("gzip", "gzip", "hit")
    assert gzip.decompress(second.content) == plain
    assert "Accept-Encoding" in second["Vary"]
    assert "Content-Encoding" not in client.get(url)


def test_the_geojson_is_served_compressed_even_when_not_kept(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    response = client.get(reverse("offices:geojson"), headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content).startswith(b'{"type": "FeatureCollection"')


@pytest.mark.parametrize("accept", ["gzip;q=0", "identity, gzip;q=0", "br"])
def test_gzip_only_to_those_who_accept_it(client, accept):
    response = client.get(reverse("offices:map"), headers={"accept-encoding": accept})
    assert "Content-Encoding" not in response


@pytest.mark.parametrize(
    "query",
    [
        {"q": "sabac"},  # searches are answered afresh
        {"utm_source": "newsletter"},  # unknown parameters too
        {"status": "x" * 200},  # and overlong values
        {"country": "XX"},  # and invalid filters
    ],
)
def test_what_could_fill_the_cache_is_never_stored(client, query):
    client.get(reverse("offices:list"), query)
    assert "X-Page-Cache" not in client.get(reverse("offices:list"), query)


PAGE_ONE = ["1", "01", "001", "+1", " 1", "1 ", "0_1", "1\u200b", "１", "١", "۱", "०१", "𝟏", "1.0", "1e0"]


def test_only_the_canonical_spelling_of_a_page_is_stored(client, settings, tmp_path):
    # A cache whose keys can be counted: one file each.
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)},
    }
    url = reverse("offices:list")
    for spelling in PAGE_ONE:
        for name in ("page", "status"):
            response = client.get(url, {"status": "open", "page": spelling} if name == "page" else {"status": spelling})
            assert response.status_code in (200, 404), spelling
    assert len(list(tmp_path.iterdir())) == 1  # "?page=1&status=open", and nothing else
    for padded in ("open%20", "%20open", "OPEN", "%EF%BC%AFpen", "open&status=open"):
        client.get(f"{url}?status={padded}")
    assert len(list(tmp_path.iterdir())) == 1


def test_an_invalid_filter_is_not_stored(client):
    client.get(reverse("offices:map"), {"country": "XX"})
    assert client.get(reverse("offices:map"), {"country": "XX"}).get("X-Page-Cache") is None


def test_a_host_not_allowed_never_gets_a_cached_page(client):
    client.get(reverse("offices:map"))
    assert client.get(reverse("offices:map"))["X-Page-Cache"] == "hit"
    assert client.get(reverse("offices:map"), headers={"host": "zlo.example"}).status_code == 400


def test_pages_render_when_the_cache_is_down(client, settings, office_a):
    working = settings.CACHES
    settings.CACHES = {
        **working,
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    try:
        for url in (reverse("portal:home"), reverse("offices:list"), office_a.get_absolute_url()):
            assert client.get(url).status_code == 200, url
    finally:
        settings.CACHES = working


def test_an_office_page_hides_a_withdrawn_contact_at_once(client, coordinator_a, office_a, committed):
    coordinator_a.email, coordinator_a.publish_email = "jelena.petrovic@kzm-sabac.rs", True
    with committed():
        coordinator_a.save()
    assert "jelena.petrovic@kzm-sabac.rs" in client.get(office_a.get_absolute_url()).text
    coordinator_a.publish_email = False
    with committed():
        coordinator_a.save()
    assert "jelena.petrovic@kzm-sabac.rs" not in client.get(office_a.get_absolute_url()).text


def test_a_missing_office_is_not_remembered(client, office_a):
    url = reverse("offices:detail", kwargs={"slug": "kzm-sabac-novi"})
    assert client.get(url).status_code == 404
    office_a.slug = "kzm-sabac-novi"
    office_a.save()
    assert client.get(url).status_code == 200


def test_home_figures_follow_the_day(client, monkeypatch):
    import datetime

    from django.utils import timezone

    for day, year in [(datetime.date(2026, 12, 31), "2026"), (datetime.date(2027, 1, 1), "2027")]:
        monkeypatch.setattr(timezone, "localdate", lambda *args, day=day: day)
        figure = client.get(reverse("portal:home")).text.split('data-figure="opened-this-year"')[1][:300]
        assert f"otvorene {year}." in figure


def test_the_home_body_is_rendered_once_per_data_version_and_language(client, settings, office_a, committed):
    # Its {% cache %} fragment: with whole pages off, the second render asks only the data version.
    settings.PAGE_CACHE_SECONDS = 0
    client.get(reverse("portal:home"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("portal:home"))
    assert len(queries) == 1
    office_a.name, office_a.opened_on = "Kancelarija za mlade Šabac, nova", datetime_today()
    with committed():
        office_a.save()
    assert "Kancelarija za mlade Šabac, nova" in client.get(reverse("portal:home")).text
    assert "Канцеларија за младе Шабац, нова" in client.get("/sr/").text


def datetime_today():
    from django.utils import timezone

    return timezone.localdate()


def test_every_model_of_the_projects_apps_reaches_the_version_and_no_other():
    # One receiver for all: a model added to any of our apps (trainings, councils…) needs no wiring.
    from django.apps import apps

    from portal.page_cache import _is_project_model

    followed = {model._meta.label for model in apps.get_models() if _is_project_model(model)}
    assert {"areas.Area", "areas.ProgrammeRegion", "offices.Office", "offices.Coordinator"} <= followed
    # imports: a batch is written with the records it imports, which change the data anyway.
    assert {label.split(".")[0] for label in followed} <= {
        "portal",
        "areas",
        "imports",
        "offices",
        "trainings",
        "councils",
    }
    assert not followed & {
        "portal.DataVersion",
        "sessions.Session",
        "auth.User",
        "axes.AccessAttempt",
        "admin.LogEntry",
    }


def test_a_transaction_takes_no_lock_on_the_version_until_it_commits(office_a, committed):
    # Inside the transaction nothing touches the version's row (a long import blocks no other write);
    # its one UPDATE comes after the commit, however many rows were written.
    with CaptureQueriesContext(connection) as queries, committed():
        with transaction.atomic():
            for name in ("Kancelarija za mlade Šabac", "Канцеларија за младе Шабац", "KZM Šabac"):
                office_a.name = name
                office_a.save()
        assert len(queries) > 3 and not [query for query in queries if "dataversion" in query["sql"].lower()]
    updates = [query for query in queries if "dataversion" in query["sql"].lower()]
    assert len(updates) == 1 and updates[0]["sql"].startswith("UPDATE")


def test_a_rolled_back_savepoint_leaves_the_rest_of_the_transaction_counted(office_a, committed):
    before = version()
    with committed(), transaction.atomic():
        office_a.save()
        with pytest.raises(RuntimeError), transaction.atomic():
            office_a.area.save()
            raise RuntimeError("one row refused")
    assert version() == before + 1


def test_a_lost_version_row_starts_again_above_every_kept_page(committed):
    before = version()
    DataVersion.objects.all().delete()
    with committed():
        data_changed()
    assert version() > before


def test_the_baseline_and_the_health_check_ask_only_what_they_must(client, office_a):
    client.get(office_a.get_absolute_url())  # a page kept, so the cache is not empty
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("portal:ping")).status_code == 200
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("portal:healthz")).status_code == 200
    assert [query["sql"] for query in queries] == ["SELECT 1"]


def test_a_kept_page_keeps_its_language_and_gets_the_security_headers(client, office_a):
    url = "/en" + office_a.get_absolute_url()
    first = client.get(url)
    second = client.get(url)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    for header in ("Content-Language", "Content-Type", "Vary", "Content-Security-Policy", "X-Frame-Options"):
        assert second[header] == first[header], header
    assert second["Content-Language"] == "en"


def test_the_directorys_total_is_counted_once_per_filter_and_data_version(client, settings, office_a, committed):
    settings.PAGE_CACHE_SECONDS = 0  # rendered each time, with its {% cache %} fragments
    url = reverse("offices:list") + "?status=open"
    open_offices = Office.objects.filter(status="open").count()

    def counts(response_queries):
        return [query for query in response_queries if "COUNT(*)" in query["sql"]]

    with CaptureQueriesContext(connection) as first:
        assert response_count(client.get(url)) == open_offices
    with CaptureQueriesContext(connection) as second:
        assert response_count(client.get(url)) == open_offices
    assert (len(counts(first)), len(counts(second))) == (1, 0)
    with committed():
        Office.objects.filter(pk=office_a.pk).update(status="closed", closed_on=datetime_today())
        data_changed()
    assert response_count(client.get(url)) == open_offices - 1
    assert (
        response_count(client.get(reverse("offices:list") + "?status=closed"))
        == Office.objects.filter(status="closed").count()
    )


def response_count(response):
    return response.context["paginator"].count


def test_a_page_is_kept_once_compressed_for_every_kind_of_visitor(client, settings, tmp_path):
    # Memory per process is capped by entries: a page without gzip must not be a second, bigger one.
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)},
    }
    url = reverse("offices:geojson")
    plain = client.get(url)  # a visitor who takes no gzip
    compressed = client.get(url, headers={"accept-encoding": "gzip"})
    again = client.get(url)
    assert [response["X-Page-Cache"] for response in (plain, compressed, again)] == ["miss", "hit", "hit"]
    assert [response.get("Content-Encoding") for response in (plain, compressed, again)] == [None, "gzip", None]
    assert gzip.decompress(compressed.content) == plain.content == again.content
    assert int(again["Content-Length"]) == len(plain.content)
    [kept] = list(tmp_path.iterdir())
    assert kept.stat().st_size < len(plain.content) / 3


def test_a_change_made_by_hand_is_announced_with_one_command(client, office_a, committed):
    from django.core.management import call_command

    url = office_a.get_absolute_url()
    client.get(url)
    Office.objects.filter(pk=office_a.pk).update(working_hours="Radnim danima 9–17")  # the shell, no signal
    assert "Radnim danima 9–17" not in client.get(url).text
    output = io.StringIO()
    with committed():
        call_command("data_changed", stdout=output)
    assert "data version went up" in output.getvalue()
    assert "Radnim danima 9–17" in client.get(url).text


def test_an_office_page_keeps_its_body_for_every_visitor_until_the_data_or_the_day_changes(
    client, settings, coordinator_a, office_a, committed
):
    settings.PAGE_CACHE_SECONDS = 0  # rendered each time (as for a signed-in visitor), with its fragment
    url = office_a.get_absolute_url()
    coordinator_a.email, coordinator_a.publish_email = "jelena.petrovic@kzm-sabac.rs", True
    with committed():
        coordinator_a.save()
    assert "jelena.petrovic@kzm-sabac.rs" in client.get(url).text
    with CaptureQueriesContext(connection) as queries:
        assert "jelena.petrovic@kzm-sabac.rs" in client.get(url).text
    assert len(queries) == 2  # the data version and the office: its lists come with the kept body
    coordinator_a.publish_email = False
    with committed():
        coordinator_a.save()
    assert "jelena.petrovic@kzm-sabac.rs" not in client.get(url).text
    client.force_login(coordinator_a.user)
    assert "jelena.petrovic@kzm-sabac.rs" not in client.get(url).text  # not even to its owner
