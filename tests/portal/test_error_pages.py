"""With DEBUG off, a missing page (404), a refused page (403) and a refused form (CSRF) are the site's own
pages: its layout, the URL's language, a way back, and no more queries than the layout needs."""

import re

import pytest
from django.test import Client
from django.urls import reverse

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
