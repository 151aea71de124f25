"""The staff admin's side of the lifecycle: status changes, anonymisation, protected deletion, control characters."""

from datetime import date

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from offices.importers import OfficeImport
from offices.models import Appointment, Coordinator, Office, OfficeStatus
from tests.offices.test_importers import csv_file, refused

pytestmark = pytest.mark.django_db

CONTROL_MESSAGE_SR = (
    "Uklonite nevidljivi kontrolni znak (kod U+000B) na mestu 12: tekst sme da sadrži samo slova, cifre, "
    "interpunkciju, tabulatore i prelome redova."
)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def change_form_data(client, office, **changes):
    url = reverse("admin:offices_office_change", args=[office.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "area": office.area_id,
            "appointments-TOTAL_FORMS": "0",
            "appointments-INITIAL_FORMS": "0",
            "status_changes-TOTAL_FORMS": "0",
            "status_changes-INITIAL_FORMS": "0",
            **changes,
        }
    )
    return url, data


def test_closing_an_office_in_its_form_records_the_step_and_ends_its_appointments(staff_client, staff_user, office_a):
    running = Appointment.objects.current().get(office=office_a)
    url, data = change_form_data(
        staff_client,
        office_a,
        new_status="closed",
        status_changed_on="2025-06-30",
        status_note="Opština je ukinula radno mesto.",
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302
    office_a.refresh_from_db()
    assert (office_a.status, office_a.closed_on) == (OfficeStatus.CLOSED, date(2025, 6, 30))
    last = office_a.status_changes.order_by("-on", "-pk").first()
    assert (last.event, last.on, last.note, last.recorded_by) == (
        "closed", date(2025, 6, 30), "Opština je ukinula radno mesto.", staff_user,
    )  # fmt: skip
    running.refresh_from_db()
    assert running.ended_on == date(2025, 6, 30)


def test_a_refused_status_change_is_shown_on_its_field_and_nothing_changes(staff_client, office_a):
    before = list(office_a.status_changes.values_list("event", "on"))
    url, data = change_form_data(staff_client, office_a, new_status="initiated", status_changed_on="2025-06-30")
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "new_status": ["Kancelarija sa statusom „otvorena” ne može da pređe u status „inicirana”."]
    }
    office_a.refresh_from_db()
    assert office_a.status == OfficeStatus.OPEN
    assert list(office_a.status_changes.values_list("event", "on")) == before


def test_the_lifecycle_dates_cannot_be_typed_over_on_an_existing_office(staff_client, office_a):
    url, data = change_form_data(staff_client, office_a, status="closed", closed_on="2025-01-01")
    assert staff_client.post(url, data).status_code == 302
    office_a.refresh_from_db()
    assert (office_a.status, office_a.closed_on) == (OfficeStatus.OPEN, None)


def test_an_office_added_in_the_admin_starts_its_history(staff_client, staff_user):
    from tests.conftest import free_areas

    area = free_areas()[0]
    response = staff_client.post(
        reverse("admin:offices_office_add"),
        {
            "area": area.pk,
            "name": "Kancelarija za mlade Ada",
            "status": "open",
            "initiated_on": "2024-01-10",
            "opened_on": "2024-05-05",
            "appointments-TOTAL_FORMS": "0",
            "appointments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    office = Office.objects.get(area=area)
    assert list(office.status_changes.values_list("event", "on", "recorded_by")) == [
        ("initiated", date(2024, 1, 10), staff_user.pk),
        ("opened", date(2024, 5, 5), staff_user.pk),
    ]


def test_admin_form_refuses_control_characters_with_a_serbian_message(staff_client, office_a):
    url, data = change_form_data(staff_client, office_a, description="Radno vreme\x0b8–16")
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"description": [CONTROL_MESSAGE_SR]}


def test_import_refuses_control_characters_in_an_office_description():
    header = ["opština", "naziv", "status", "otvorena", "opis"]
    upload = csv_file([header, ["RS-ADA", "KZM Ada", "otvorena", "01.01.2020", "Radno vreme\x1b8–16"]])
    preview = refused(OfficeImport(), upload)
    assert preview.rows[0].errors == [
        "opis: Remove the invisible control character (code U+001B) at position 12: "
        "text may hold letters, digits, punctuation, tabs and line breaks only."
    ]


def test_anonymising_asks_for_confirmation_then_erases_and_keeps_the_appointments(staff_client, coordinator_a):
    url = reverse("admin:offices_coordinator_changelist")
    appointments = Appointment.objects.filter(coordinator=coordinator_a).count()
    name = coordinator_a.full_name
    page = staff_client.post(url, {"action": "anonymise", ACTION_CHECKBOX_NAME: [coordinator_a.pk]})
    assert page.status_code == 200
    assert name in page.text
    assert "Da, anonimizuj ih" in page.text
    coordinator_a.refresh_from_db()
    assert coordinator_a.anonymised_at is None

    done = staff_client.post(
        url, {"action": "anonymise", ACTION_CHECKBOX_NAME: [coordinator_a.pk], "confirmed": "yes"}, follow=True
    )
    coordinator_a.refresh_from_db()
    assert coordinator_a.anonymised_at is not None
    assert coordinator_a.full_name == f"Anonimizovani koordinator #{coordinator_a.pk}"
    assert Appointment.objects.filter(coordinator=coordinator_a).count() == appointments
    assert [str(m) for m in done.context["messages"]] == [
        "Anonimizovan je 1 koordinator: lični podaci su obrisani, imenovanja zadržana."
    ]
    assert coordinator_a.user.is_active is False if coordinator_a.user else True


def test_deleting_a_coordinator_with_appointments_is_refused_with_a_clear_message(staff_client, coordinator_a):
    url = reverse("admin:offices_coordinator_delete", args=[coordinator_a.pk])
    page = staff_client.get(url)
    assert (
        "Ovaj koordinator ne može da se obriše: njegova imenovanja su deo istorije kancelarija. Da biste na "
        "zahtev osobe obrisali njene podatke, upotrebite radnju „Anonimizuj izabrane” na spisku koordinatora."
    ) in page.text
    assert page.context["protected"]
    staff_client.post(url, {"post": "yes"})
    assert Coordinator.objects.filter(pk=coordinator_a.pk).exists()


def test_the_office_page_today_matches_the_closing_through_the_admin(client, staff_client, office_a):
    url, data = change_form_data(
        staff_client, office_a, new_status="inactive", status_changed_on=timezone.localdate().isoformat()
    )
    assert staff_client.post(url, data).status_code == 302
    assert client.get(office_a.get_absolute_url()).context["current_appointments"] == []


@pytest.fixture
def ada_office(staff_user):
    """An office of Ada initiated 10.01.2024, opened 05.05.2024, with its history."""
    from offices.services import office_history_start
    from tests.conftest import free_areas

    office = Office.objects.create(
        area=free_areas()[0],
        name="Kancelarija za mlade Ada",
        status=OfficeStatus.OPEN,
        initiated_on=date(2024, 1, 10),
        opened_on=date(2024, 5, 5),
    )
    office_history_start(office=office, user=staff_user)
    return office


def test_the_office_page_links_each_history_step_to_its_correction(staff_client, ada_office):
    page = staff_client.get(reverse("admin:offices_office_change", args=[ada_office.pk]))
    for change in ada_office.status_changes.all():
        assert reverse("admin:offices_officestatuschange_change", args=[change.pk]) in page.text


def test_staff_correct_a_mistyped_opening_date_and_the_office_follows(staff_client, staff_user, ada_office):
    opened = ada_office.status_changes.get(event="opened")
    url = reverse("admin:offices_officestatuschange_change", args=[opened.pk])
    response = staff_client.post(url, {"on": "2024-04-25", "note": "Datum iz rešenja opštinskog veća."})
    assert response.status_code == 302
    assert response.url == reverse("admin:offices_office_change", args=[ada_office.pk])
    ada_office.refresh_from_db()
    opened.refresh_from_db()
    assert (ada_office.opened_on, opened.on, opened.note) == (
        date(2024, 4, 25), date(2024, 4, 25), "Datum iz rešenja opštinskog veća.",
    )  # fmt: skip
    assert opened.history.latest("history_id").history_user == staff_user
    assert opened.event == "opened"


def test_a_refused_correction_is_shown_on_the_date_and_nothing_changes(staff_client, ada_office):
    opened = ada_office.status_changes.get(event="opened")
    url = reverse("admin:offices_officestatuschange_change", args=[opened.pk])
    response = staff_client.post(url, {"on": "2023-12-01", "note": ""})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "on": [
            "Promena pre ove (pokrenuta je inicijativa za otvaranje kancelarije) je od 10.01.2024.: ova ne može biti ranija."
        ]
    }
    ada_office.refresh_from_db()
    assert ada_office.opened_on == date(2024, 5, 5)


def test_the_event_of_a_step_cannot_be_changed(staff_client, ada_office):
    opened = ada_office.status_changes.get(event="opened")
    url = reverse("admin:offices_officestatuschange_change", args=[opened.pk])
    staff_client.post(url, {"on": "2024-05-05", "note": "", "event": "closed"})
    opened.refresh_from_db()
    assert opened.event == "opened"


def test_staff_withdraw_the_latest_step_and_only_that(staff_client, ada_office):
    from offices.services import office_change_status

    office_change_status(office=ada_office, status=OfficeStatus.CLOSED, on=date(2025, 3, 31))
    initiated, opened, closed = ada_office.status_changes.order_by("on", "pk")
    office_page = reverse("admin:offices_office_change", args=[ada_office.pk])

    refused = staff_client.get(reverse("admin:offices_officestatuschange_delete", args=[opened.pk]), follow=True)
    assert refused.redirect_chain == [(office_page, 302)]
    assert [str(m) for m in refused.context["messages"]] == [
        "Može da se povuče samo poslednja promena u istoriji kancelarije."
    ]

    url = reverse("admin:offices_officestatuschange_delete", args=[closed.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"post": "yes"})
    assert (response.status_code, response.url) == (302, office_page)
    ada_office.refresh_from_db()
    assert (ada_office.status, ada_office.closed_on) == (OfficeStatus.OPEN, None)
    assert list(ada_office.status_changes.values_list("pk", flat=True)) == [initiated.pk, opened.pk]


def test_the_history_has_no_add_page_and_no_bulk_delete(staff_client, ada_office):
    assert staff_client.get(reverse("admin:offices_officestatuschange_add")).status_code == 403
    changelist = staff_client.get(reverse("admin:offices_officestatuschange_changelist"))
    assert "delete_selected" not in changelist.text


def posted_form(response):
    """The POST data of an admin change page (or simple-history's revert page) as it was shown: the form's
    and every inline's values, a many-to-many field's as the list of its records' keys."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, list):
                value = [getattr(item, "pk", item) for item in value]
            data[form.add_prefix(name)] = value.pk if hasattr(value, "pk") else value
    return data


def test_an_office_save_checks_its_appointments_against_one_load_of_its_history(staff_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from offices.models import AppointmentRole
    from offices.services import office_history_start
    from tests.factories import AppointmentFactory, CoordinatorFactory, OfficeFactory

    def save_queries(count):
        office = OfficeFactory(opened_on=date(2019, 4, 1))
        office_history_start(office=office)
        for number in range(count):
            AppointmentFactory(office=office, coordinator=CoordinatorFactory(last_name=f"Đorđević-{number}"),
                               role=AppointmentRole.DEPUTY, started_on=date(2020, 1, 1 + number))  # fmt: skip
        url = reverse("admin:offices_office_change", args=[office.pk])
        data = posted_form(staff_client.get(url))
        data["working_hours"] = "ponedeljak–petak 9–17"
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
        office.refresh_from_db()
        assert office.working_hours == "ponedeljak–petak 9–17"
        return [query["sql"] for query in queries]

    def checks(queries):
        """The reads of the office's history and appointments for the rows' rules. Django's own validation
        of each row (its id, its coordinator, the constraints, in savepoints) still costs queries a row."""
        return [sql for sql in queries if sql.startswith('SELECT "offices_officestatuschange"')
                or (sql.startswith('SELECT "offices_appointment"') and 'WHERE "offices_appointment"."id" = ' not in sql)]  # fmt: skip

    one, ten = save_queries(1), save_queries(10)
    assert len(checks(ten)) == len(checks(one)) == 4  # both inlines' rows, and the history and appointments once


@pytest.mark.parametrize(
    ("prefix", "name", "latin"),
    [("", "Kancelarija za mlade Šabac", None), ("/sr", "Канцеларија за младе Шабац", "Kancelarija za mlade Šabac")],
)
def test_change_message_names_the_office_in_the_pages_script(staff_client, office_a, prefix, name, latin):
    url, data = change_form_data(staff_client, office_a)

    response = staff_client.post(prefix + url, data, follow=True)

    [message] = [str(message) for message in response.context["messages"]]
    assert f">{name}</a>" in message
    assert latin is None or latin not in message
    assert Office.objects.get(pk=office_a.pk).name == "Kancelarija za mlade Šabac"  # stored as typed
