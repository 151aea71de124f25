"""Security headers with the production settings, scored as Mozilla's HTTP Observatory scores them."""

import os
import runpy
from pathlib import Path
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from offices.models import Office
from tests.security.observatory import observatory

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "youthnet" / "settings.py"
SECURITY_SETTINGS = [
    "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_CSP",
    "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "X_FRAME_OPTIONS", "SESSION_COOKIE_HTTPONLY",
]  # fmt: skip


def production_settings():
    environment = {
        "DEBUG": "false",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "kzm.example.org",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    with mock.patch.dict(os.environ, environment, clear=True):
        values = runpy.run_path(str(SETTINGS_FILE))
    return {name: values[name] for name in SECURITY_SETTINGS}


@pytest.fixture
def production(settings):
    for name, value in production_settings().items():
        setattr(settings, name, value)
    settings.ALLOWED_HOSTS = ["kzm.example.org"]
    return Client(HTTP_HOST="kzm.example.org", HTTP_X_FORWARDED_PROTO="https")


def representative_pages():
    office = Office.objects.get(area__code="RS-SABAC")
    return [
        reverse("portal:home"),
        reverse("offices:map"),
        office.get_absolute_url(),
        reverse("login"),
        reverse("admin:login"),
    ]


def test_production_settings_are_strict():
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert (values["SESSION_COOKIE_SECURE"], values["CSRF_COOKIE_SECURE"]) == (True, True)
    assert "'unsafe-inline'" not in values["SECURE_CSP"]["script-src"]


def test_representative_pages_score_a_plus(production):
    for url in representative_pages():
        response = production.get(url)
        assert response.status_code == 200, url
        score, grade, tests = observatory(response)
        assert grade == "A+", (url, score, tests)


def test_each_security_header_is_sent(production):
    for url in representative_pages():
        headers = production.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp, url
        assert "frame-ancestors 'none'" in csp, url
        assert "'unsafe-inline'" not in csp, url
        assert headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains; preload", url
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] == "same-origin", url
        assert headers["X-Frame-Options"] == "DENY", url


def test_cookies_are_https_only(production, staff_user):
    response = production.post(reverse("login"), {"username": staff_user.username, "password": "x"})
    assert response.status_code == 302
    for cookie in response.cookies.values():
        assert cookie["secure"] is True, cookie.key
        assert cookie["samesite"] == "Lax", cookie.key
    assert response.cookies["sessionid"]["httponly"] is True


def test_plain_http_is_redirected_to_https(production):
    response = production.get(reverse("portal:home"), headers={"x-forwarded-proto": "http"})
    assert response.status_code == 301
    assert response["Location"] == "https://kzm.example.org/"


def test_a_page_from_the_cache_carries_the_same_headers(production, settings):
    from django.core.cache import cache

    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    url = reverse("offices:map")
    first, second = production.get(url), production.get(url)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    for header in ("Strict-Transport-Security", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"):
        assert second[header] == first[header], header
    assert "default-src 'none'" in second["Content-Security-Policy"]
    assert observatory(second)[1] == "A+"
    cache.clear()


def test_pages_for_signed_in_visitors_are_private(production, coordinator_a):
    production.force_login(coordinator_a.user)
    for url in representative_pages()[:3]:
        assert production.get(url)["Cache-Control"] == "private", url
