"""Shared fixtures: a fixed "today", the real geography and the demo data (loaded once per test
database), and the four personas of permission tests: anonymous, coordinator A (Šabac),
coordinator B (Ćuprija) and staff. Factories for anything else: tests/factories.py.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation

from offices.demo import demo_seed
from offices.models import Coordinator, Office
from tests.factories import UserFactory, free_areas  # noqa: F401 (free_areas: tests import it from here)
from trainings.demo import trainings_demo_seed

# The suite's "today": the demo data and every page's "this year" and "current" follow it, so the
# suite gives the same results on any date. The clock still runs (tick), from this moment on.
TODAY = datetime.date(2026, 6, 15)
NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Europe/Belgrade"))


@pytest.fixture(scope="session", autouse=True)
def fixed_today():
    with time_machine.travel(NOW, tick=True):
        yield TODAY


@pytest.fixture(scope="session")
def django_db_setup(fixed_today, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_areas", verbosity=0)
        demo_seed(scale=1)
        trainings_demo_seed()


@pytest.fixture(autouse=True)
def _serbian_latin(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"
    with translation.override("sr-latn"):
        yield


@pytest.fixture
def staff_user(db):
    return UserFactory(username="sanja.staff", staff=True)


@pytest.fixture
def office_a(db):
    return Office.objects.select_related("area").get(area__code="RS-SABAC")


@pytest.fixture
def office_b(db):
    return Office.objects.select_related("area").get(area__code="RS-CUPRIJA")


def _coordinator_of(office, username):
    coordinator = Coordinator.objects.filter(appointments__office=office).order_by("-appointments__started_on").first()
    if coordinator.user is None:
        coordinator.user = UserFactory(username=username)
        coordinator.save()
    return coordinator


@pytest.fixture
def coordinator_a(office_a):
    """The coordinator of the Šabac office, with an account."""
    return _coordinator_of(office_a, "coord.a")


@pytest.fixture
def coordinator_b(office_b):
    """The coordinator of the Ćuprija office, with an account."""
    return _coordinator_of(office_b, "coord.b")


@pytest.fixture
def anonymous(client):
    return client


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def superuser_client(client, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    return client


@pytest.fixture
def coordinator_a_client(client, coordinator_a):
    client.force_login(coordinator_a.user)
    return client


@pytest.fixture
def coordinator_b_client(client, coordinator_b):
    client.force_login(coordinator_b.user)
    return client


@pytest.fixture(params=["anonymous", "coordinator", "other_coordinator", "staff"])
def persona(request, client, coordinator_a, coordinator_b, staff_user):
    """A client signed in as each of the four kinds of visitor, named by request.param."""
    user = {
        "anonymous": None,
        "coordinator": coordinator_a.user,
        "other_coordinator": coordinator_b.user,
        "staff": staff_user,
    }[request.param]
    if user is not None:
        client.force_login(user)
    client.persona = request.param
    return client


LANGUAGES = ["sr-latn", "sr", "en"]


def set_language(client, language):
    """From now on the client asks for each page in `language`, as the language links do: by its URL.

    client.get("/offices/") then fetches "/sr/offices/" for "sr" (the language is in the URL's prefix).
    """
    from portal.languages import in_language

    get = client.__dict__.setdefault("get_unprefixed", client.get)

    def get_in_language(path, *args, **kwargs):
        with translation.override(translation.get_language()):  # the test's own language stays
            return get(in_language(path, language), *args, **kwargs)

    client.get = get_in_language


def translated(msgid, language):
    """The msgstr of our catalogue for msgid in language ("sr-latn", "sr"), read from the .po file."""
    import polib
    from django.conf import settings
    from django.utils.translation import to_locale

    path = settings.LOCALE_PATHS[0] / to_locale(language) / "LC_MESSAGES" / "django.po"
    return polib.pofile(str(path)).find(msgid).msgstr


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): …`: the writes inside commit, as outside a test's transaction (the data version follows)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
