"""Two server processes, and a change made by a third one: the next request to each server shows it.

With no CACHE_URL (each process keeps its own pages), and with a Redis of the test's own that is
down at the moment of the change and comes back afterwards with the pages it held.
"""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.portal.redis_server import RedisServer, free_port, redis_or_skip

ROOT = Path(__file__).resolve().parents[2]
OFFICE = "/offices/sabac/"


@pytest.fixture(scope="module")
def environment(tmp_path_factory):
    """A portal's settings with a database of its own (SQLite, the geography and the demo data)."""
    database = tmp_path_factory.mktemp("processes") / "portal.sqlite3"
    environment = {
        **{key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")},
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{database}",
        "PYTHONUNBUFFERED": "1",
    }
    for command in (["migrate", "--noinput"], ["load_areas"], ["seed_demo"]):
        manage(environment, *command, "-v0")
    return environment


def manage(environment, *arguments):
    return subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=environment, check=True, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip


class Server:
    """`manage.py runserver --noreload` on a free port."""

    def __init__(self, environment, log):
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            cwd=ROOT, env=environment, stdout=log, stderr=log,
        )  # fmt: skip
        for _ in range(200):
            try:
                self.get("/ping")
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError(f"runserver did not start on port {self.port}")

    def get(self, path):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as response:
            return response.headers.get("X-Page-Cache"), response.read().decode()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def start_servers(tmp_path):
    started = []
    log = (tmp_path / "servers.log").open("w")

    def start(environment, count=2):
        started.extend(Server(environment, log) for _ in range(count))
        return started[-count:]

    yield start
    for server in started:
        server.stop()
    log.close()


def change_the_address(environment, address):
    """What `manage.py shell`, an import or a command does: a save in a process of its own."""
    code = f"from offices.models import Office; office = Office.objects.get(slug='sabac'); office.address = {address!r}; office.save()"
    manage(environment, "shell", "-c", code)


def test_a_change_by_another_process_shows_at_once_on_every_server(environment, start_servers):
    servers = start_servers(environment)
    for server in servers:
        server.get(OFFICE)
        assert server.get(OFFICE)[0] == "hit"  # each keeps the page in its own memory
    change_the_address(environment, "Karađorđeva 1")
    for server in servers:
        state, page = server.get(OFFICE)
        assert (state, "Karađorđeva 1" in page) == ("miss", True)


@pytest.fixture(scope="module")
def redis_binary():
    return redis_or_skip()  # before the database is built, so that a skip costs nothing


def test_a_change_made_while_redis_is_down_shows_at_once_and_after_it_is_back(
    redis_binary, environment, start_servers, tmp_path
):
    redis = RedisServer(redis_binary, tmp_path)
    try:
        servers = start_servers({**environment, "CACHE_URL": redis.url})
        for server in servers:
            server.get(OFFICE)
            assert server.get(OFFICE)[0] == "hit"  # kept in Redis, for both
        assert redis.client().dbsize() > 0

        redis.stop()  # with what it holds saved: it comes back with the old pages
        change_the_address(environment, "Vojvode Mišića 2")
        for server in servers:
            assert "Vojvode Mišića 2" in server.get(OFFICE)[1]

        redis.start()
        assert redis.client().dbsize() > 0
        for server in servers:
            assert "Vojvode Mišića 2" in server.get(OFFICE)[1]
        assert [server.get(OFFICE)[0] for server in servers] == ["hit", "hit"]
        assert "Vojvode Mišića 2" in servers[0].get(OFFICE)[1]
    finally:
        redis.stop()
