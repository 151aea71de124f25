"""The public pages with the demo data: languages, search, filters, map data, privacy, query counts."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from offices.demo import SEED_OPENINGS, demo_seed
from offices.models import Appointment, Coordinator, Membership, Office, OfficeStatusChange
from tests.conftest import LANGUAGES, set_language
from tests.factories import OfficeFactory, area
from trainings.models import Attendance, Certificate, Enrolment, Participant, SurveyResponse

pytestmark = pytest.mark.django_db


def public_urls():
    office = Office.objects.get(area__code="RS-SABAC")
    return [
        reverse("portal:home"),
        reverse("offices:list"),
        reverse("offices:list") + "?country=RS&status=open&q=sabac",
        reverse("offices:detail", kwargs={"slug": office.slug}),
        reverse("offices:map"),
        reverse("offices:geojson"),
        reverse("offices:openings"),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_works_in_each_language(client, language):
    set_language(client, language)
    for url in public_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        if response["Content-Type"].startswith("text/html"):
            expected = {"sr-latn": 'lang="sr-Latn"', "sr": 'lang="sr-Cyrl"', "en": 'lang="en"'}[language]
            assert expected in response.text, url


def test_cyrillic_pages_show_latin_content_in_cyrillic(client, office_a):
    set_language(client, "sr")
    response = client.get(office_a.get_absolute_url())
    assert "Канцеларија за младе Шабац" in response.text
    assert "Kancelarija za mlade Šabac" not in response.text


def test_cyrillic_pages_keep_roman_numerals_in_addresses_latin(client, office_a):
    Office.objects.filter(pk=office_a.pk).update(address="Kralja Petra I 67")
    set_language(client, "sr")
    response = client.get(office_a.get_absolute_url())
    assert "Краља Петра I 67" in response.text


def test_english_pages_keep_names_in_latin(client, office_a):
    set_language(client, "en")
    response = client.get(office_a.get_absolute_url())
    assert "Kancelarija za mlade Šabac" in response.text


def test_pages_load_nothing_from_another_host(client):
    for url in public_urls():
        html = client.get(url).text
        sources = re.findall(r'(?:src|href)="(https?:)?//([^"/]+)', html)
        # Links to an office's own website are fine; nothing is *loaded* (script, style, image) from afar.
        # (hreflang alternates name this page's other languages for search engines; nothing loads them.)
        loaded = re.findall(r'<(?:script|link(?! rel="alternate")|img)[^>]+(?:src|href)="(?:https?:)?//', html)
        assert loaded == [], (url, sources)


def slugs(response):
    """The offices a directory page lists (its rows, as its cards show them)."""
    return [office["slug"] for office in response.context["offices"]]


def slugs_in(code):
    return list(Office.objects.filter(area__code=code).values_list("slug", flat=True))


@pytest.mark.parametrize("spelling", ["sabac", "SABAC", "Šabac", "Шабац", "šab"])
def test_directory_search_finds_sabac_in_any_spelling(client, spelling):
    response = client.get(reverse("offices:list"), {"q": spelling})
    names = [office["name"] for office in response.context["offices"]]
    assert names == ["Kancelarija za mlade Šabac"]


DJ_PLACES = {
    "RS-ARANDJELOVAC": ("arandelovac", "Aranđelovac", "Аранђеловац", "arandjelovac"),
    "RS-INDJIJA": ("indija", "Inđija", "Инђија", "indjija"),
    "RS-MEDVEDJA": ("medveda", "Medveđa", "Медвеђа", "medvedja"),
    "RS-ZITORADJA": ("zitorada", "Žitorađa", "Житорађа", "zitoradja"),
    "RS-MALI-IDJOS": ("mali idos", "Mali Iđoš", "Мали Иђош", "mali idjos"),
}


@pytest.mark.parametrize(
    ("code", "spelling"), [(code, spelling) for code, spellings in DJ_PLACES.items() for spelling in spellings]
)
def test_directory_search_finds_dj_typed_as_d_dj_or_dj_letter(client, code, spelling):
    if not Office.objects.filter(area__code=code).exists():
        OfficeFactory(area=area(code))

    response = client.get(reverse("offices:list"), {"q": spelling})

    assert slugs(response) == slugs_in(code)


def test_directory_filters_by_district_and_year(client):
    response = client.get(reverse("offices:list"), {"district": "RS-08", "year": "2018"})  # Mačvanski okrug
    assert slugs(response) == slugs_in("RS-SABAC")


def test_directory_filter_combination_is_a_shareable_url(client):
    from django.test import Client

    # The form names its fields as the URL does, so submitting it gives this URL...
    form = client.get(reverse("offices:list")).text.split('role="search"')[1].split("</form>")[0]
    assert {"country", "region", "status"} <= set(re.findall(r'name="(\w+)"', form))
    query = "?country=RS&region=RS-REG-VO&status=open"
    mine = client.get(reverse("offices:list") + query)
    # ...and someone else who opens it, in another language, gets the same offices and the same choices.
    theirs = Client().get("/en" + reverse("offices:list") + query)
    expected = Office.objects.filter(area__path__startswith="RS/RS-REG-VO/", status="open")
    assert mine.context["paginator"].count == theirs.context["paginator"].count == expected.count() > 0
    assert slugs(theirs) == slugs(mine)
    for value in ("RS", "RS-REG-VO", "open"):
        assert f'<option value="{value}" selected>' in theirs.text, value
    assert f'href="/en/offices/map/{query.replace("&", "&amp;")}"' in theirs.text  # the same filters on the map


def test_directory_is_paginated(client):
    response = client.get(reverse("offices:list"))
    assert len(response.context["offices"]) == 24
    assert response.context["paginator"].count == Office.objects.count()


def test_directory_with_a_bad_filter_value_shows_the_error(client):
    response = client.get(reverse("offices:list"), {"status": "nonsense"})
    assert response.status_code == 200
    assert response.context["filter"].errors["status"]


def test_geojson_is_a_valid_feature_collection(client):
    response = client.get(reverse("offices:geojson"), {"status": "open"})
    data = json.loads(response.content)
    assert response["Content-Type"] == "application/geo+json"
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == Office.objects.open().count()
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert 15.5 < lon < 23.1 and 42.2 < lat < 46.3
        assert feature["properties"]["url"].startswith("/offices/")
        assert feature["properties"]["status"] == "open"
    urls = {feature["properties"]["url"] for feature in data["features"]}
    assert urls == {office.get_absolute_url() for office in Office.objects.open()}


def test_geojson_takes_the_directory_filters(client):
    data = json.loads(client.get(reverse("offices:geojson"), {"country": "BA"}).content)
    assert len(data["features"]) == Office.objects.filter(area__path__startswith="BA/").count()
    assert data["features"]


def test_openings_show_the_seven_openings_of_the_project(client):
    response = client.get(reverse("offices:openings"))
    years = {year: offices for year, _count, offices in response.context["years"]}
    opened = {office.area.code for year in (2017, 2018) for office in years[year]}
    assert opened == set(SEED_OPENINGS)
    assert "Ćuprija" in response.text


def test_home_shows_key_figures(client):
    response = client.get(reverse("portal:home"))
    figures = response.context["figures"]
    assert figures["open_offices"] == Office.objects.open().count()
    assert figures["lsg_total"] == 145 + 143 + 1
    assert figures["member_lsgs"] == Membership.objects.current().values("area").distinct().count()
    assert f'data-figure="open-offices">{figures["open_offices"]}<' in response.text


def test_office_page_of_an_unknown_slug_is_404(client):
    assert client.get(reverse("offices:detail", kwargs={"slug": "nema-je"})).status_code == 404


def test_unpublished_phone_appears_on_no_public_page(persona):
    coordinator = Coordinator.objects.filter(appointments__in=Appointment.objects.current()).order_by("pk").first()
    coordinator.phone, coordinator.publish_phone = "+381 63 555 0199", False
    coordinator.email, coordinator.publish_email = "tajna.adresa@example.org", False
    coordinator.save()
    office = coordinator.appointments.first().office
    urls = [*public_urls(), office.get_absolute_url(), reverse("offices:list") + f"?q={office.area.name}"]
    for url in urls:
        text = persona.get(url).text
        assert "555 0199" not in text, url
        assert "tajna.adresa" not in text, url


def test_published_contact_appears_on_the_office_page(client):
    appointment = Appointment.objects.current().select_related("coordinator", "office").order_by("pk").first()
    coordinator = appointment.coordinator
    coordinator.phone, coordinator.publish_phone = "+381 63 555 0199", True
    coordinator.save()
    assert "+381 63 555 0199" in client.get(appointment.office.get_absolute_url()).text


@pytest.mark.parametrize("persona", ["anonymous", "coordinator_a_client", "coordinator_b_client"])
def test_staff_admin_is_closed_to_non_staff(request, persona):
    client = request.getfixturevalue(persona)
    for url in ("/admin/", "/admin/offices/office/", "/admin/offices/coordinator/import/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def staff_urls():
    """The admin's lists (an object's own page grows with its own inline rows, not with the data)."""
    return [
        reverse("admin:offices_office_changelist"),
        reverse("admin:offices_office_changelist") + "?status__exact=open&district=RS-08",
        reverse("admin:offices_coordinator_changelist"),
        reverse("admin:offices_appointment_changelist"),
        reverse("admin:offices_membership_changelist"),
        reverse("admin:areas_area_changelist"),
        reverse("admin:areas_area_changelist") + "?q=palilula",
    ]


def test_pages_run_the_same_number_of_queries_at_scale_1_and_10(client, staff_user):
    from django.test import Client

    staff = Client()
    staff.force_login(staff_user)
    set_language(client, "sr")
    small_offices = Office.objects.count()
    small = {url: count_queries(client, url) for url in public_urls()}
    small_staff = {url: count_queries(staff, url) for url in staff_urls()}
    # The demo trainings protect their coordinators: their history goes first.
    Certificate.objects.update(replaced_by=None)  # a re-issued certificate protects the one it replaced
    for model in (Certificate, Attendance, SurveyResponse, Enrolment, Participant):
        model.objects.all().delete()
    for model in (Appointment, Coordinator, OfficeStatusChange, Office, Membership):
        model.objects.all().delete()
    demo_seed(scale=10)
    assert Office.objects.count() > 8 * small_offices  # some seats of the copies have no office, as in life
    assert {url: count_queries(client, url) for url in public_urls()} == small
    assert {url: count_queries(staff, url) for url in staff_urls()} == small_staff


def test_serbian_latin_is_the_default_whatever_the_browser_asks(client):
    response = client.get(reverse("portal:home"), headers={"accept-language": "en-US,en;q=0.9"})
    assert 'lang="sr-Latn"' in response.text


def test_the_old_language_links_lead_to_the_page_in_that_language(client):
    # /language/<code>/?next= set a cookie before the language was in the URL; links to it keep working.
    response = client.get(reverse("portal:language", args=["sr"]), {"next": "/offices/?q=sabac"})
    assert (response.status_code, response["Location"]) == (302, "/sr/offices/?q=sabac")
    assert 'lang="sr-Cyrl"' in client.get(response["Location"]).text
    response = client.get(reverse("portal:language", args=["sr-latn"]), {"next": "/en/offices/map/"})
    assert response["Location"] == "/offices/map/"


@pytest.mark.parametrize(
    ("code", "button", "tag", "prefix"),
    [("sr-latn", "Lat", "sr-Latn", ""), ("sr", "Ћир", "sr-Cyrl", "/sr"), ("en", "EN", "en", "/en")],
)
def test_each_language_link_leads_to_the_same_page_in_that_language(client, code, button, tag, prefix):
    query = "?district=RS-08&q=%C5%A0abac"
    for here in ("", "/sr", "/en"):
        page = client.get(f"{here}/offices/map/{query}").text
        link = re.search(rf'<a href="([^"]+)"[^>]*>{button}<span', page).group(1).replace("&amp;", "&")
        assert link == f"{prefix}/offices/map/{query}"
    switched = client.get(link).text
    assert f'<html lang="{tag}">' in switched
    assert re.search(rf'class="btn btn-sm btn-light" aria-current="true">{button}<', switched)
    assert 'value="Šabac"' in switched  # the same search, in the other language


def test_each_page_names_its_versions_in_every_language_for_search_engines(client, office_a):
    text = client.get(f"/en{office_a.get_absolute_url()}").text
    slug = office_a.slug
    for hreflang, url in [("sr-Latn", ""), ("sr-Cyrl", "/sr"), ("en", "/en"), ("x-default", "")]:
        assert f'<link rel="alternate" hreflang="{hreflang}" href="http://testserver{url}/offices/{slug}/">' in text


def test_language_switch_does_not_redirect_to_another_host(client):
    response = client.get(reverse("portal:language", args=["en"]), {"next": "https://zlo.example/"})
    assert response["Location"] == "/en/"


def test_unknown_language_is_404(client):
    assert client.get(reverse("portal:language", args=["de"])).status_code == 404


@pytest.mark.parametrize(
    ("code", "prefix"),
    [
        ("sr-Latn", ""),
        ("SR-LATN", ""),
        ("sr-Latn-RS", ""),
        ("sr-Cyrl", "/sr"),
        ("SR", "/sr"),
        ("en-GB", "/en"),
        ("EN", "/en"),
    ],
)
def test_old_language_links_read_the_code_as_a_language_tag_in_any_case(client, code, prefix):
    response = client.get(reverse("portal:language", args=[code]), {"next": "/offices/?q=%C4%8Ca%C4%8Dak"})

    assert (response.status_code, response["Location"]) == (302, f"{prefix}/offices/?q=%C4%8Ca%C4%8Dak")


@pytest.mark.parametrize("code", ["de-DE", "latn", "x" * 500])
def test_old_language_links_with_a_tag_of_no_language_of_ours_are_404(client, code):
    assert client.get(reverse("portal:language", args=[code])).status_code == 404


@pytest.mark.parametrize(
    ("query", "code"),
    [("kancelarija sabac", "RS-SABAC"), ("belgrade zemun", "RS-BEOGRAD-ZEMUN"), ("Brčko District", "BA-BRC")],
)
def test_directory_search_matches_each_word_in_office_and_area_names(client, query, code):
    response = client.get(reverse("offices:list"), {"q": query})
    assert slugs(response) == slugs_in(code)


def test_a_very_long_search_is_refused_with_a_message(client):
    response = client.get(reverse("offices:list"), {"q": "a" * 51000})
    assert response.status_code == 200
    assert response.context["filter"].errors["q"]
    assert client.get(reverse("offices:geojson"), {"q": "a" * 51000}).status_code == 400


def test_an_invalid_filter_finds_nothing_on_every_page(client):
    assert client.get(reverse("offices:list"), {"country": "XX"}).context["paginator"].count == 0
    assert client.get(reverse("offices:openings"), {"country": "XX"}).context["total"] == 0
    assert client.get(reverse("offices:geojson"), {"country": "XX"}).status_code == 400


def test_the_url_alone_names_the_language(client):
    client.cookies["django_language"] = "en"  # the cookie of the time before the language was in the URL
    for url in public_urls():
        response = client.get(url, headers={"accept-language": "en"})
        assert response["Content-Language"] == "sr-latn", url
    assert client.get("/en/offices/")["Content-Language"] == "en"


def test_openings_leave_out_offices_that_have_not_opened(client):
    office = Office.objects.filter(status="initiated").first() or Office.objects.first()
    response = client.get(reverse("offices:openings"))
    listed = {o.pk for _year, _count, offices in response.context["years"] for o in offices}
    assert office.pk not in listed or office.status != "initiated"
    assert all(o.status != "initiated" for _year, _count, offices in response.context["years"] for o in offices)


def test_openings_show_at_most_twelve_a_year_with_the_true_count(client):
    response = client.get(reverse("offices:openings"))
    for year, count, offices in response.context["years"]:
        assert len(offices) == min(count, 12), year
        assert count == Office.objects.filter(opened_on__year=year).exclude(status="initiated").count(), year


def test_demo_coordinators_move_between_offices():
    from django.db.models import Count

    movers = Coordinator.objects.annotate(n=Count("appointments__office", distinct=True)).filter(n__gt=1)
    assert movers.count() >= 5


def test_a_search_reads_its_page_and_its_total_in_one_query(client):
    expected = list(Office.objects.search("a").order_by("name", "pk").values_list("slug", flat=True))
    assert len(expected) > 24
    url = reverse("offices:list")
    with CaptureQueriesContext(connection) as second_page:
        response = client.get(url, {"q": "a", "page": "2"})
    assert response.context["paginator"].count == len(expected)
    assert slugs(response) == expected[24:48]
    assert f">{len(expected)} kancelarij" in response.text
    with CaptureQueriesContext(connection) as nothing_found:
        response = client.get(url, {"q": "Ђурђевданскаквекључ"})
    assert response.context["paginator"].count == 0
    assert "Nijedna kancelarija" in response.text
    # The page comes with its total: no count of its own, found or not.
    assert len(second_page) == len(nothing_found)
    assert [query["sql"] for query in second_page.captured_queries if "COUNT(*) AS" in query["sql"]] == []
    assert client.get(url, {"q": "a", "page": "99"}).status_code == 404
    assert client.get(url, {"q": "a", "page": "last"}).context["page_obj"].number == (len(expected) + 23) // 24


@pytest.mark.parametrize(
    ("prefix", "before", "after"),
    [
        # by path (RS-05 before RS-12) and by code point the other way round
        ("", "Šumadijski okrug", "Zapadnobački okrug"),  # š after s, before z
        ("/sr", "Борски округ", "Јужнобачки округ"),  # the azbuka: б before ј (Ј is U+0408, before А)
        ("/en", "Šumadija District", "West Bačka District"),
    ],
)
def test_directory_filter_lists_districts_by_the_alphabet_of_the_script(client, prefix, before, after):
    page = client.get(f"{prefix}{reverse('offices:list')}").content.decode()
    select = page.split('name="district"', 1)[1].split("</select>", 1)[0]
    names = re.findall(r"<option value=\"[^\"]+\"[^>]*>([^<]+)</option>", select)

    assert names.index(before) < names.index(after)


def test_a_filtered_directory_counts_its_offices_once_per_data_version(client, settings, committed):
    from django.core.cache import caches

    # Fragments in memory, as in production (the tests' DummyCache keeps nothing); whole pages not kept.
    fragments = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kept-count"}
    settings.CACHES = {**settings.CACHES, "template_fragments": fragments}
    caches["template_fragments"].clear()
    url = reverse("offices:list")
    open_offices = Office.objects.filter(status="open").count()

    def open_count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"status": "open"})
        counts = [query["sql"] for query in queries.captured_queries if "COUNT(*) AS" in query["sql"]]
        return response.context["paginator"].count, len(counts), len(queries)

    total, counted, first = open_count()
    assert (total, counted) == (open_offices, 1)
    total, counted, again = open_count()
    assert (total, counted) == (open_offices, 0)  # kept: no count, and the cards are kept too
    assert again < first
    # Another page of the same filters takes the kept count.
    assert client.get(url, {"status": "open", "page": "2"}).context["paginator"].count == open_offices
    # Other filters are counted on their own.
    closed = client.get(url, {"status": "closed"})
    assert closed.context["paginator"].count == Office.objects.filter(status="closed").count()

    with committed():  # a change to the data: a new version, so a new count
        office = OfficeFactory(status="open")
    assert open_count()[:2] == (open_offices + 1, 1)
    assert open_count()[:2] == (open_offices + 1, 0)
    with committed():
        office.status = "initiated"  # as if opened by mistake (a status written by hand, not a history step)
        office.opened_on = None
        office.save()
    assert open_count()[:2] == (open_offices, 1)
    caches["template_fragments"].clear()
