"""Every URL of the project × anonymous, coordinator, another coordinator, staff: the expected status.

The URLs come from the URL conf, so a new page cannot be forgotten: a public URL missing from
PUBLIC below fails the test, and every admin URL is held to the admin's rule.
"""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import URLResolver, get_resolver

from areas.models import Area, ProgrammeRegion
from imports.models import ImportBatch
from offices.models import Appointment, Membership, Office
from offices.services import office_change_propose
from tests.trainings.conftest import certificate_for
from trainings.models import Certificate, Cohort

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "coordinator", "other_coordinator", "staff"]
SIGNED_IN = {"anonymous": 302, "coordinator": 200, "other_coordinator": 200, "staff": 200}
EVERYONE = dict.fromkeys(PERSONAS, 200)

# Status of a GET to each non-admin URL, per persona.
PUBLIC = {
    "portal:home": EVERYONE,
    "portal:healthz": EVERYONE,
    "portal:ping": EVERYONE,
    "portal:language": dict.fromkeys(PERSONAS, 302),
    "default_language_prefix": dict.fromkeys(PERSONAS, 301),  # /sr-Latn/… → the unprefixed page
    "offices:list": EVERYONE,
    "offices:map": EVERYONE,
    "offices:geojson": EVERYONE,
    "offices:openings": EVERYONE,
    "offices:detail": EVERYONE,
    "trainings:list": EVERYONE,
    "trainings:certificate_find": EVERYONE,  # public: the form for a certificate's code
    "trainings:certificate_verify": EVERYONE,  # public: anyone checks a certificate
    # Coordinator A holds the sample certificate: B is told it does not exist.
    "trainings:certificate_pdf": {"anonymous": 302, "coordinator": 200, "other_coordinator": 404, "staff": 200},
    "login": EVERYONE,
    "logout": dict.fromkeys(PERSONAS, 405),  # signing out is a POST
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "password_reset": EVERYONE,
    "password_reset_done": EVERYONE,
    "password_reset_confirm": EVERYONE,  # an invalid link says so
    "password_reset_complete": EVERYONE,
    "accounts:home": SIGNED_IN,  # staff and a coordinator each see their own (staff: a page saying there is none)
    "accounts:history": SIGNED_IN,
    "accounts:survey": SIGNED_IN,
    "accounts:office_change": {"anonymous": 302, "coordinator": 200, "other_coordinator": 404, "staff": 404},
    "accounts:welcome": EVERYONE,  # an invalid link says so
}

# Admin pages a superuser may not open on purpose.
ADMIN_STAFF_EXCEPTIONS = {
    "admin:login": 302,  # already signed in: on to the index
    "admin:logout": 405,  # a POST
    "admin:axes_accessattempt_add": 403,  # sign-in records are written by django-axes only
    "admin:axes_accesslog_add": 403,
    "admin:axes_accessfailurelog_add": 403,
    "admin:view_on_site": 302,
    "admin:autocomplete": 403,  # without its query parameters
    "admin:areas_area_delete": 403,  # areas are never deleted
    "admin:imports_importbatch_add": 403,  # batches are written by imports only
    "admin:imports_importbatch_delete": 403,  # and never deleted: undo reverts one
    "admin:offices_officestatuschange_add": 403,  # an office's history grows through its status changes only
    "admin:trainings_certificate_add": 403,  # issued by closing a cohort, never typed in
    "admin:trainings_certificate_delete": 403,  # revoked or replaced, never deleted
    "admin:offices_officechangeproposal_add": 403,  # coordinators propose from /me/
    "admin:offices_officechangeproposal_delete": 403,  # reviewed proposals are the directory's history
    "admin:None catch-all": 404,
}


def walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace and (f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace)
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner or namespace)
        else:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern)


def sample_objects(coordinator_a):
    office = Office.objects.get(area__code="RS-SABAC")
    region, _ = ProgrammeRegion.objects.get_or_create(name="Centralna Srbija")  # the demo trainings have it
    region.areas.add(Area.objects.get(code="RS-07"))
    samples = {
        "office": office,
        "coordinator": coordinator_a,
        "area": Area.objects.get(code="RS-SABAC"),
        "programmeregion": region,
        "membership": Membership.objects.order_by("pk").first(),
        "appointment": Appointment.objects.order_by("pk").first(),
        "user": coordinator_a.user,
        "importbatch": ImportBatch.objects.create(
            token="permissions",
            importer="offices.importers.OfficeImport",
            user=coordinator_a.user,
            file_name="kancelarije.xlsx",
            file_size=1,
            file_sha256="0" * 64,
        ),
        "cohort": Cohort.objects.order_by("pk").first(),
        "certificate": Certificate.objects.order_by("pk").first(),
        "officechangeproposal": office_change_propose(
            office=office, user=coordinator_a.user, values={"working_hours": "Pon–pet 9–17"}
        ),
        "certificate_of_a": certificate_for(coordinator_a),
    }
    return office, samples


def concrete_url(name, route, office, samples):
    """Fill a route's parameters with real objects; None for a route this test cannot fill."""
    model = re.match(r"admin:\w+?_(\w+)_\w+$", name or "")
    model_object = samples.get(model.group(1)) if model else None
    if name == "default_language_prefix":
        return "/sr-Latn/offices/"
    if route.startswith("admin/") and "(?P<url>" in route:
        return "/admin/no-such-page/"
    if "(?P<app_label>" in route:
        return "/admin/offices/"
    if "^([^/]+)/history/([^/]+)/$" in route:
        if model_object is None:
            return None
        history_id = model_object.history.order_by("history_date").first().history_id
        return "/" + route.split("^")[0] + f"{model_object.pk}/history/{history_id}/"
    if "<path:content_type_id>" in route:
        content_type = ContentType.objects.get_for_model(Office)
        return "/" + route.replace("<path:content_type_id>", str(content_type.pk)).replace(
            "<path:object_id>", str(office.pk)
        )
    if "<path:object_id>" in route or "<id>" in route or "<int:pk>" in route:
        if model_object is None:
            return None
        for parameter in ("<path:object_id>", "<id>", "<int:pk>"):
            route = route.replace(parameter, str(model_object.pk))
    route = (
        route.replace("<slug:slug>", office.slug)
        .replace("<str:language>", "en")
        .replace("<uidb64>", "MQ")
        .replace("<token>", "set-password")
        .replace("<str:code>", samples["certificate_of_a"].code)
    )
    return "/" + route


def test_every_url_answers_each_persona_as_expected(client, coordinator_a, coordinator_b, staff_user):
    office, samples = sample_objects(coordinator_a)
    users = {
        "anonymous": None,
        "coordinator": coordinator_a.user,
        "other_coordinator": coordinator_b.user,
        "staff": staff_user,
    }
    unexpected, unlisted, checked = [], [], 0
    for name, route in walk(get_resolver().url_patterns):
        url = concrete_url(name, route, office, samples)
        if url is None:
            continue  # admin pages of third-party models with no object here (groups, axes logs)
        if not route.startswith("admin/") and name not in PUBLIC:
            unlisted.append(name)
            continue
        for persona in PERSONAS:
            client.logout()
            if users[persona]:
                client.force_login(users[persona])
            response = client.get(url)
            if route.startswith("admin/"):
                key = "admin:None catch-all" if "(?P<url>" in route else name
                if persona == "staff":
                    expected = ADMIN_STAFF_EXCEPTIONS.get(key, 200)
                else:
                    expected = 200 if name == "admin:login" else 302
                    target = "/admin/" if name == "admin:logout" else "/admin/login/"
                    if expected == 302 and not response.get("Location", "").startswith(target):
                        unexpected.append((url, persona, response.status_code, response.get("Location")))
                        continue
            else:
                expected = PUBLIC[name][persona]
            checked += 1
            if response.status_code != expected:
                unexpected.append((url, persona, response.status_code, expected))
    assert unlisted == []
    assert unexpected == [], "\n".join(map(str, unexpected))
    assert checked > 250  # the walk found the whole URL conf
