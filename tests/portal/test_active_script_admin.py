"""Names stored in Latin show in the active script in the admin (docs/architecture.md, "Names in the active
script"): messages through the message storage (`portal.messages`), validation errors and list columns
through `in_active_script` where their text is built (`portal.admin_site.name_column` for columns).
Each test asks for a page in Serbian Latin (unprefixed), Serbian Cyrillic (/sr/) and English (/en/):
Cyrillic shows the Cyrillic form of the stored name and not the Latin one; Latin and English the stored name."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from offices.models import Coordinator
from portal.text import to_cyrillic
from tests.conftest import TODAY
from tests.trainings.conftest import make_cohort, running_cohort
from trainings.forms import cell_name
from trainings.models import Enrolment, EnrolmentStatus, Programme
from trainings.services import cohort_close, participant_for_coordinator

pytestmark = pytest.mark.django_db

PREFIXES = ["", "/sr", "/en"]


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def cells(page, column):
    """The text of each changelist cell of `column` (a th for the first column, a td else)."""
    found = re.findall(rf'<t[hd] class="field-{column}[^"]*">(.*?)</t[hd]>', page, re.DOTALL)
    return [re.sub(r"<[^>]+>", "", cell) for cell in found]


def named(prefix, latin, cyrillic):
    """What a page in the language of `prefix` shows for a name stored as `latin`."""
    return cyrillic if prefix == "/sr" else latin


@pytest.mark.parametrize("prefix", PREFIXES)
def test_djangos_own_delete_message_names_the_record_in_the_active_script(staff_client, prefix):
    programme = Programme.objects.create(
        name="Podrška mladima u Šapcu", starts_on=date(2019, 1, 1), ends_on=date(2019, 12, 31)
    )
    url = prefix + reverse("admin:trainings_programme_delete", args=[programme.pk])

    response = staff_client.post(url, {"post": "yes"}, follow=True)

    [message] = messages_of(response)
    shown = named(prefix, "Podrška mladima u Šapcu", "Подршка младима у Шапцу")
    assert f"“{shown}”" in message or f"„{shown}“" in message
    assert ("Podrška" in message) == (prefix != "/sr")
    assert not Programme.objects.filter(pk=programme.pk).exists()


@pytest.mark.parametrize(
    ("prefix", "session"),
    [
        ("", "Uvod u omladinsku politiku (22.06.2026.)"),
        ("/sr", "Увод у омладинску политику (22.06.2026.)"),
        ("/en", "Uvod u omladinsku politiku (22 Jun 2026)"),
    ],
)
def test_not_held_yet_message_names_the_session_in_the_active_script(staff_client, prefix, session):
    cohort = running_cohort(people=1)
    coming = cohort.sessions.order_by("held_on").last()
    assert coming.held_on == TODAY + timedelta(days=7)
    enrolment = cohort.enrolments.get()
    url = prefix + reverse("admin:trainings_cohort_attendance", args=[cohort.pk])

    response = staff_client.post(url, {cell_name(coming.pk, enrolment.pk): "4"}, follow=True)

    [message] = messages_of(response)
    assert session in message
    assert ("Uvod" in message) == (prefix != "/sr")


@pytest.mark.parametrize("prefix", PREFIXES)
def test_refused_delete_of_a_closed_cohorts_sessions_names_the_cohort_in_the_active_script(staff_client, prefix):
    cohort = make_cohort(people=0, name="Šumadija, osnovni nivo")
    cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))
    url = prefix + reverse("admin:trainings_session_changelist")
    selected = list(cohort.sessions.values_list("pk", flat=True))

    response = staff_client.post(url, {"action": "delete_selected", "_selected_action": selected}, follow=True)

    [message] = messages_of(response)
    assert named(prefix, "Šumadija, osnovni nivo", "Шумадија, основни ниво") in message
    assert ("Šumadija" in message) == (prefix != "/sr")
    assert cohort.sessions.count() == 3


@pytest.mark.parametrize("prefix", PREFIXES)
def test_attendance_form_error_names_the_closed_cohort_in_the_active_script(staff_client, prefix):
    cohort = make_cohort(people=1, name="Šumadija, osnovni nivo")
    enrolment = cohort.enrolments.get()
    cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))
    url = prefix + reverse("admin:trainings_attendance_add")

    response = staff_client.post(url, {"session": cohort.sessions.first().pk, "enrolment": enrolment.pk, "hours": "4"})

    [error] = response.context["adminform"].form.non_field_errors()
    assert named(prefix, "Šumadija, osnovni nivo", "Шумадија, основни ниво") in error
    assert ("Šumadija" in error) == (prefix != "/sr")


@pytest.mark.parametrize("prefix", PREFIXES)
def test_enrolment_form_error_names_the_closed_cohort_in_the_active_script(staff_client, prefix):
    cohort = make_cohort(people=0, name="Šumadija, osnovni nivo")
    cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))
    coordinator = Coordinator.objects.filter(participant__isnull=True).order_by("pk").first()
    participant = participant_for_coordinator(coordinator=coordinator)
    url = prefix + reverse("admin:trainings_enrolment_add")

    response = staff_client.post(
        url, {"cohort": cohort.pk, "participant": participant.pk, "status": EnrolmentStatus.ENROLLED}
    )

    [error] = response.context["adminform"].form.non_field_errors()
    assert named(prefix, "Šumadija, osnovni nivo", "Шумадија, основни ниво") in error
    assert not Enrolment.objects.filter(cohort=cohort).exists()


@pytest.mark.parametrize("prefix", PREFIXES)
def test_office_list_shows_the_office_and_its_municipality_in_the_active_script(staff_client, office_a, prefix):
    url = prefix + reverse("admin:offices_office_changelist")

    page = staff_client.get(url, {"q": "Šabac"}).content.decode()

    assert cells(page, "name") == [named(prefix, "Kancelarija za mlade Šabac", "Канцеларија за младе Шабац")]
    assert cells(page, "area") == [named(prefix, "Šabac", "Шабац")]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_coordinator_list_shows_the_names_in_the_active_script(staff_client, prefix):
    Coordinator.objects.create(first_name="Đurđa", last_name="Šćepanović", email="djurdja.scepanovic@primer.rs")
    url = prefix + reverse("admin:offices_coordinator_changelist")

    page = staff_client.get(url, {"q": "Šćepanović"}).content.decode()

    assert cells(page, "last_name") == [named(prefix, "Šćepanović", "Шћепановић")]
    assert cells(page, "first_name") == [named(prefix, "Đurđa", "Ђурђа")]
    assert cells(page, "email") == ["djurdja.scepanovic@primer.rs"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_cohort_and_enrolment_lists_show_the_names_in_the_active_script(staff_client, prefix):
    cohort = make_cohort(people=1, name="Šumadija, osnovni nivo")
    person = cohort.enrolments.get().participant

    cohort_url = prefix + reverse("admin:trainings_cohort_changelist")
    enrolment_url = prefix + reverse("admin:trainings_enrolment_changelist")

    cohorts = staff_client.get(cohort_url, {"q": "Šumadija"})
    enrolments = staff_client.get(enrolment_url, {"cohort__programme__id__exact": cohort.programme_id})

    cohort_page = cohorts.content.decode()
    assert cells(cohort_page, "name") == [named(prefix, "Šumadija, osnovni nivo", "Шумадија, основни ниво")]
    assert cells(cohort_page, "programme") == [
        named(prefix, "Osnaživanje kancelarija za mlade", "Оснаживање канцеларија за младе")
    ]
    enrolment_page = enrolments.content.decode()
    assert cells(enrolment_page, "cohort") == [named(prefix, "Šumadija, osnovni nivo", "Шумадија, основни ниво")]
    [shown] = cells(enrolment_page, "person")
    assert shown.startswith(f"{named(prefix, person.full_name, to_cyrillic(person.full_name))} (")


@pytest.mark.parametrize("prefix", PREFIXES)
def test_appointment_form_error_names_the_coordinator_in_the_active_script(staff_client, office_a, prefix):
    current = office_a.appointments.filter(role="coordinator", ended_on__isnull=True).get().coordinator
    newcomer = Coordinator.objects.create(first_name="Đurđa", last_name="Šćepanović")
    url = prefix + reverse("admin:offices_appointment_add")
    data = {"coordinator": newcomer.pk, "office": office_a.pk, "role": "coordinator"}

    response = staff_client.post(url, data | {"started_on": "01.02.2026", "ended_on": "01.03.2026"})

    [error] = response.context["adminform"].form.errors["started_on"]
    shown = to_cyrillic(current.full_name) if prefix == "/sr" else current.full_name
    assert error.startswith(f"{shown} ")
    assert (current.last_name in error) == (prefix != "/sr")
