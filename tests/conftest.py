"""Shared fixtures: the real geography and the demo data are loaded once per test database."""

import pytest
from django.core.management import call_command
from django.utils import translation

from offices.demo import demo_seed
from offices.models import Coordinator, Office


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_areas", verbosity=0)
        demo_seed(scale=1)


@pytest.fixture(autouse=True)
def _serbian_latin(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"
    with translation.override("sr-latn"):
        yield


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user("sanja.staff", password="x", is_staff=True, is_superuser=True)


@pytest.fixture
def office_a(db):
    return Office.objects.select_related("area").get(area__code="RS-SABAC")


@pytest.fixture
def office_b(db):
    return Office.objects.select_related("area").get(area__code="RS-CUPRIJA")


def _coordinator_of(office, django_user_model, username):
    coordinator = Coordinator.objects.filter(appointments__office=office).order_by("-appointments__started_on").first()
    if coordinator.user is None:
        coordinator.user = django_user_model.objects.create_user(username, password="x")
        coordinator.save()
    return coordinator


@pytest.fixture
def coordinator_a(office_a, django_user_model):
    """The coordinator of the Šabac office, with an account."""
    return _coordinator_of(office_a, django_user_model, "coord.a")


@pytest.fixture
def coordinator_b(office_b, django_user_model):
    """The coordinator of the Ćuprija office, with an account."""
    return _coordinator_of(office_b, django_user_model, "coord.b")


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


def free_areas(count=4):
    """Serbian municipalities with no office in the demo data, in a fixed order."""
    from areas.models import Area

    return list(Area.objects.filter(path__startswith="RS/", kind="municipality", offices=None).order_by("code")[:count])
