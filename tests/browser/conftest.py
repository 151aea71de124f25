"""A live portal (its own SQLite database, demo data) driven by Debian's Chromium through Playwright.

Every page a test opens is watched: a console error, a failed request or a request to another host
fails the test. Map tiles come from this host (a blank tile), so no test needs the tile server.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
DEMO_PASSWORD = "mladi-2026"


def chromium_path():
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("Chromium is missing: run scripts/ensure-chromium (make setup does).")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def portal(tmp_path_factory):
    """Base URL of a running portal with the reference geography and the demo data."""
    workdir = tmp_path_factory.mktemp("portal")
    env = {
        **{key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")},
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{workdir / 'portal.sqlite3'}",
        "MAP_TILE_URL": "/static/img/blank-tile.png",
        "PYTHONUNBUFFERED": "1",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput"], ["load_areas", "-v0"], ["seed_demo"]):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    log = open(workdir / "server.log", "w")  # noqa: SIM115 (closed at teardown)
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail("The portal did not start: " + (workdir / "server.log").read_text())
    yield {"url": base, "database": workdir / "portal.sqlite3"}
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Watcher:
    """Collects what a page did wrong: console errors, failed requests, requests to other hosts."""

    def __init__(self, page, base):
        self.problems = []
        host = base.split("//", 1)[1]
        page.on("console", lambda msg: msg.type == "error" and self.problems.append(f"console: {msg.text}"))
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", self.request_failed)

        def check_host(request):
            url = request.url
            if url.startswith(("data:", "blob:", "about:")):
                return
            if url.split("//", 1)[-1].split("/", 1)[0] != host:
                self.problems.append(f"request to another host: {url}")

        page.on("request", check_host)
        page.on(
            "response",
            lambda response: response.status >= 400 and self.problems.append(f"{response.status}: {response.url}"),
        )

    def request_failed(self, request):
        # A request the browser itself drops when the page moves on (net::ERR_ABORTED) is no fault.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.problems.append(f"failed: {request.url} {request.failure}")


def open_page(browser, portal, *, width=1280, height=900, language=None):
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=portal["url"])
    page = context.new_page()
    # The language is in the URL: page.goto(page.prefix + "/offices/") opens the page in `language`.
    page.prefix = "" if language in (None, "sr-latn") else f"/{language}"
    page.set_default_timeout(10000)
    page.watcher = Watcher(page, portal["url"])
    return page


def _checked(page):
    yield page
    problems = page.watcher.problems
    page.context.close()
    assert problems == []


PHONE = {"width": 390, "height": 844}


@pytest.fixture
def page(browser, portal):
    yield from _checked(open_page(browser, portal))


@pytest.fixture
def phone(browser, portal):
    """A page at a phone's size (390 × 844)."""
    yield from _checked(open_page(browser, portal, **PHONE))


def run_axe(page):
    """Violations of impact serious or critical on the current page, as readable lines."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} – {violation['help']}"
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]
