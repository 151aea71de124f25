"""/healthz tells whether the portal can serve; /ping is the benchmark's baseline; a database down gets a 503 page."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_healthz_asks_the_database(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portal:healthz"))
    assert (response.status_code, response.text, len(queries)) == (200, "ok", 1)


def test_ping_asks_the_database_nothing(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portal:ping"))
    assert (response.status_code, response.text, len(queries)) == (200, "ok", 0)


# A request of each kind, made in a process whose database cannot be reached.
REQUESTS = """
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
for url in ["/healthz", "/ping", "/offices/?q=sabac", "/sr/offices/sabac/", "/", "/offices/map.geojson"]:
    response = client.get(url)
    print(url, response.status_code, response.get("Retry-After"), response.content.decode()[:2000].replace("\\n", " "))
"""


@pytest.mark.parametrize(
    "database_url",
    ["postgres://postgres@127.0.0.1:1/youthnet_nowhere", "sqlite:////nonexistent-directory/youthnet.sqlite3"],
    ids=["postgresql not listening", "sqlite file out of reach"],
)
def test_an_unreachable_database_gets_a_plain_503_page(database_url):
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    environment.update(
        DEBUG="false",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", REQUESTS],
        cwd=ROOT, env=environment, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    answers = {line.split(" ", 1)[0]: line.split(" ", 3)[1:] for line in result.stdout.splitlines()}
    assert answers["/healthz"][:2] == ["503", "None"]
    assert answers["/ping"][:2] == ["200", "None"]
    for url in ("/offices/?q=sabac", "/", "/offices/map.geojson"):
        status, retry_after, page = answers[url]
        assert (status, retry_after) == ("503", "30"), url
        assert "Portal je trenutno nedostupan" in page or "The portal is unavailable for a moment" in page, url
    assert 'lang="sr-Cyrl"' in answers["/sr/offices/sabac/"][2]
