"""With DEBUG off, a missing page (404), a refused page (403), a refused form (CSRF) and a request the portal
cannot read (400) are the site's own pages: its layout, the URL's language, a way back, and no more queries than
the layout needs. A failure (500) is a page of its own in the site's look that asks the database nothing.
Serbian Latin's tag as a prefix (/sr-latn/…) leads to the unprefixed page."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from areas.models import Area
from tests.trainings.conftest import certificate_for

pytestmark = pytest.mark.django_db

# (prefix, <html lang>, the 404 page's heading, the directory's address)
LANGUAGES = [
    ("", "sr-Latn", "Stranica nije pronađena", "/offices/"),
    ("/sr", "sr-Cyrl", "Страница није пронађена", "/sr/offices/"),
    ("/en", "en", "Page not found", "/en/offices/"),
]


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def assert_site_layout(text, tag, directory):
    assert f'<html lang="{tag}">' in text
    assert '<nav class="navbar navbar-expand-lg navbar-dark site-navbar"' in text
    assert f'href="{directory}">' in text  # the menu, and the way back to the directory


@pytest.mark.parametrize(("prefix", "tag", "heading", "directory"), LANGUAGES)
@pytest.mark.parametrize("path", ["/offices/nema-takve/", "/nema-takve-stranice/"])
def test_a_missing_page_is_the_sites_404_in_the_urls_language(client, prefix, tag, heading, directory, path):
    response = client.get(prefix + path)

    assert response.status_code == 404
    assert f'<h1 class="h3">{heading}</h1>' in response.text
    assert f"<title>{heading} · " in response.text
    assert_site_layout(response.text, tag, directory)
    assert f'href="{prefix}/">' in response.text  # the home page


def test_the_404_pages_language_links_lead_to_the_404_page_in_each_language(client):
    text = client.get("/sr/nema-takve-stranice/?q=%C4%8Ca%C4%8Dak").text  # ?q=Čačak

    links = re.findall(r'<a href="([^"]+)" hreflang="[^"]+" lang="[^"]+" class="btn btn-sm', text)
    assert links == [
        "/nema-takve-stranice/?q=%C4%8Ca%C4%8Dak",
        "/sr/nema-takve-stranice/?q=%C4%8Ca%C4%8Dak",
        "/en/nema-takve-stranice/?q=%C4%8Ca%C4%8Dak",
    ]


def test_a_path_with_an_unknown_language_prefix_is_a_serbian_latin_404(client):
    response = client.get("/de/offices/", headers={"accept-language": "en"})

    assert response.status_code == 404
    assert_site_layout(response.text, "sr-Latn", "/offices/")
    assert "Stranica nije pronađena" in response.text


def test_another_coordinators_certificate_is_the_sites_404(client, coordinator_a, coordinator_b):
    certificate = certificate_for(coordinator_a)
    client.force_login(coordinator_b.user)

    response = client.get("/en" + reverse("trainings:certificate_pdf", args=[certificate.code]))

    assert response.status_code == 404
    assert_site_layout(response.text, "en", "/en/offices/")
    assert "Page not found" in response.text
    assert coordinator_b.user.get_username() in response.text  # the signed-in header


def test_a_404_asks_the_database_nothing_for_a_visitor(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/nema-takve-stranice/")
    assert response.status_code == 404


def test_a_404_asks_only_for_the_signed_in_person(client, coordinator_a, django_assert_num_queries):
    client.force_login(coordinator_a.user)

    with django_assert_num_queries(2):  # the session, the user
        response = client.get("/sr/nema-takve-stranice/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("prefix", "tag", "heading", "directory"),
    [
        ("", "sr-Latn", "Pristup nije dozvoljen", "/offices/"),
        ("/sr", "sr-Cyrl", "Приступ није дозвољен", "/sr/offices/"),
        ("/en", "en", "Access denied", "/en/offices/"),
    ],
)
def test_a_refused_page_is_the_sites_403_in_the_urls_language(staff_client, prefix, tag, heading, directory):
    area = Area.objects.get(code="RS-SABAC")

    response = staff_client.get(prefix + reverse("admin:areas_area_delete", args=[area.pk]))  # areas are never deleted

    assert response.status_code == 403
    assert f'<h1 class="h3">{heading}</h1>' in response.text
    assert_site_layout(response.text, tag, directory)


@pytest.mark.parametrize(
    ("prefix", "tag", "heading", "directory"),
    [
        ("", "sr-Latn", "Obrazac nije poslat", "/offices/"),
        ("/sr", "sr-Cyrl", "Образац није послат", "/sr/offices/"),
        ("/en", "en", "The form was not sent", "/en/offices/"),
    ],
)
def test_a_refused_form_is_the_sites_csrf_page_in_the_urls_language(prefix, tag, heading, directory):
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"{prefix}/accounts/login/", {"username": "ana.petrovic", "password": "lozinka-2026"})

    assert response.status_code == 403
    assert f'<h1 class="h3">{heading}</h1>' in response.text
    assert "DEBUG" not in response.text
    assert_site_layout(response.text, tag, directory)


# A request the portal cannot read (400)

BAD_REQUEST = [
    ("", "sr-Latn", "Portal ne može da pročita ovaj zahtev", "/offices/"),
    ("/sr", "sr-Cyrl", "Портал не може да прочита овај захтев", "/sr/offices/"),
    ("/en", "en", "The portal could not read this request", "/en/offices/"),
]


@pytest.fixture
def pages_kept(memory_cache):
    """As in production: the page cache reads the host and the query before LocaleMiddleware reads the prefix."""
    memory_cache(3600)


@pytest.mark.parametrize(("prefix", "tag", "heading", "directory"), BAD_REQUEST)
def test_a_host_not_allowed_is_the_sites_400_in_the_urls_language(pages_kept, prefix, tag, heading, directory):
    with translation.override("de"):  # what an earlier request left active in this thread must not matter
        response = Client().get(f"{prefix}/offices/", headers={"host": "portal.example.org"})

    assert response.status_code == 400
    assert f'<h1 class="h3">{heading}</h1>' in response.text
    assert f"<title>{heading} · " not in response.text  # the title is shorter
    assert_site_layout(response.text, tag, directory)
    assert 'rel="alternate"' not in response.text  # absolute addresses would name the host refused


@pytest.mark.parametrize(("prefix", "tag", "heading", "directory"), BAD_REQUEST)
def test_too_many_fields_is_the_sites_400_asking_the_database_nothing(
    client, pages_kept, django_assert_num_queries, prefix, tag, heading, directory
):
    fields = {f"field{number}": "1" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}

    with django_assert_num_queries(0):
        response = client.get(f"{prefix}/offices/", fields)

    assert response.status_code == 400
    assert f'<h1 class="h3">{heading}</h1>' in response.text
    assert_site_layout(response.text, tag, directory)


# A failure (500)


@pytest.mark.urls("tests.portal.failing_urls")
@pytest.mark.parametrize(
    ("prefix", "tag", "heading"),
    [
        ("", "sr-Latn", "Nešto nije u redu"),
        ("/sr", "sr-Cyrl", "Нешто није у реду"),
        ("/en", "en", "Something went wrong"),
    ],
)
def test_a_failure_is_a_500_page_of_its_own_in_the_urls_language(
    coordinator_a, django_db_blocker, prefix, tag, heading
):
    client = Client(raise_request_exception=False)
    client.force_login(coordinator_a.user)

    with django_db_blocker.block():  # nothing may ask the database, not even for the signed-in person
        response = client.get(f"{prefix}/failing/")

    assert response.status_code == 500
    assert f'<html lang="{tag}">' in response.text
    assert f'<h1 class="h3">{heading}</h1>' in response.text
    assert f"<title>{heading} · " in response.text
    assert '<link rel="stylesheet" href="/static/css/site.css">' in response.text
    assert f'href="{prefix}/">' in response.text  # the home page
    assert coordinator_a.user.get_username() not in response.text  # no request context: no one's name
    assert "<script" not in response.text and "RuntimeError" not in response.text


# Serbian Latin's tag as a prefix


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/sr-latn/offices/", "/offices/"),
        ("/sr-Latn/offices/sabac/", "/offices/sabac/"),
        ("/SR-LATN/trainings/", "/trainings/"),
        ("/sr-Latn/", "/"),
        ("/sr-latn", "/"),
        ("/sr-Latn/offices/?q=%C4%8Ca%C4%8Dak&page=2", "/offices/?q=%C4%8Ca%C4%8Dak&page=2"),
        ("/sr-latn/offices/%C4%8Da%C4%8Dak/", "/offices/%C4%8Da%C4%8Dak/"),
        ("/sr-latn//portal.example.org/", "/portal.example.org/"),  # never to another site
        ("/sr-latn/%5Cportal.example.org/", "/%5Cportal.example.org/"),
    ],
)
def test_serbian_latins_tag_as_a_prefix_leads_to_the_unprefixed_page(client, path, location):
    response = client.get(path)

    assert (response.status_code, response["Location"]) == (301, location)


def test_serbian_latins_tag_as_a_prefix_reaches_the_page(client):
    response = client.get("/sr-Latn/offices/", follow=True)

    assert response.redirect_chain == [("/offices/", 301)]
    assert response.status_code == 200
    assert '<html lang="sr-Latn">' in response.text


@pytest.mark.parametrize("path", ["/sr-latnx/offices/", "/sr-cyrl/offices/", "/en/sr-latn/offices/"])
def test_other_prefixes_are_still_404(client, path):
    assert client.get(path).status_code == 404
