"""The numbers a second user trial found wrong: hours typed with a comma, a cohort's real dates, cleared
attendance cells, rounded imports, counts the public page and the report disagreed on, the names before
a close, and rates of cohorts still running."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from imports.columns import DecimalColumn
from offices.models import Coordinator
from tests.imports.files import read, xlsx_file
from trainings.forms import cell_name
from trainings.importers import AttendanceImport
from trainings.models import Attendance, Cohort, CurriculumModule, EnrolmentStatus, Programme, Session
from trainings.reports import programme_results, programme_results_table
from trainings.selectors import participant_history, programmes_for_public
from trainings.services import (
    attendance_sheet_save,
    certificate_revoke,
    cohort_close,
    enrolment_create,
    participant_for_coordinator,
)

from .conftest import certificate_for, make_cohort, running_cohort
from .test_importers import ATTENDANCE_HEADER, refused
from .test_views import pdf_text

pytestmark = pytest.mark.django_db


# 1. Hours typed in the admin, in the page's language; a session is at most one training day


@pytest.mark.parametrize("typed", ["2,5", "2.5"])
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_session_hours_typed_in_the_cohort_page_are_read_with_a_comma_or_a_point_in_any_language(
    client, staff_user, prefix, typed
):
    from .test_admin import _cohort_form_data

    cohort = make_cohort(sessions=1, people=0)
    session = cohort.sessions.get()
    client.force_login(staff_user)
    url, data = _cohort_form_data(client, cohort, **{"sessions-0-hours": typed})

    response = client.post(f"{prefix}{url}", data)

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.hours == Decimal("2.5")
    assert session.history.latest("history_id").history_user == staff_user


@pytest.mark.parametrize("typed", ["4,5", "4.5"])
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_attendance_sheet_reads_hours_with_a_comma_or_a_point_in_any_language(client, staff_user, prefix, typed):
    cohort = make_cohort(people=1, sessions=1, hours=Decimal("5"))
    session, enrolment = cohort.sessions.get(), cohort.enrolments.get()
    client.force_login(staff_user)
    url = prefix + reverse("admin:trainings_cohort_attendance", args=[cohort.pk])

    response = client.post(url, {cell_name(session.pk, enrolment.pk): typed})

    assert response.status_code == 302  # "4,5" read as 45 would be refused: above the session's 5 h
    assert list(Attendance.objects.filter(session=session).values_list("hours", flat=True)) == [Decimal("4.5")]


@pytest.mark.parametrize(
    ("prefix", "message"), [("", "Unesite broj."), ("/en", "Enter a number.")], ids=["sr-latn", "en"]
)
@pytest.mark.parametrize("typed", ["4,5.0", "1.234,5", "4_5", "4 5", "pet"])
def test_attendance_sheet_refuses_what_is_not_one_decimal_number(client, staff_user, prefix, message, typed):
    cohort = make_cohort(people=1, sessions=1, hours=Decimal("5"))
    session, enrolment = cohort.sessions.get(), cohort.enrolments.get()
    client.force_login(staff_user)
    url = prefix + reverse("admin:trainings_cohort_attendance", args=[cohort.pk])

    response = client.post(url, {cell_name(session.pk, enrolment.pk): typed})

    assert response.context["form"].errors == {cell_name(session.pk, enrolment.pk): [message]}
    assert not Attendance.objects.filter(session=session).exists()


def test_session_hours_are_a_text_field_with_the_decimal_keypad(client, staff_user):
    cohort = make_cohort(sessions=1, people=0)
    client.force_login(staff_user)

    body = client.get(reverse("admin:trainings_cohort_change", args=[cohort.pk])).content.decode()
    session_page = client.get(reverse("admin:trainings_session_change", args=[cohort.sessions.get().pk]))
    module_page = client.get(reverse("admin:trainings_curriculummodule_add"))

    assert 'name="sessions-0-hours" value="4,0" inputmode="decimal"' in body
    assert 'type="number"' not in body.split('name="sessions-0-hours"')[0].rsplit("<input", 1)[1]
    for page in (session_page, module_page):
        [field] = [f for f in page.context["adminform"].form if f.name == "hours"]
        assert (field.field.localize, field.field.widget.input_type) == (True, "text")
        assert field.field.widget.attrs["inputmode"] == "decimal"


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("", "Sesija traje najviše 12 sati, jedan dan obuke: dužu podelite na više sesija."),
        ("/en", "A session lasts at most 12 hours, one training day: split a longer one into sessions."),
    ],
)
def test_session_of_more_than_a_training_day_is_refused_and_nothing_is_saved(client, staff_user, prefix, message):
    from .test_admin import _cohort_form_data

    cohort = make_cohort(sessions=2, people=0)
    client.force_login(staff_user)
    url, data = _cohort_form_data(client, cohort, name="Vojvodina, novo ime", **{"sessions-0-hours": "25"})

    response = client.post(f"{prefix}{url}", data)

    assert response.status_code == 200
    [sessions] = response.context["inline_admin_formsets"]
    assert sessions.formset.forms[0].errors["hours"] == [message]
    assert Cohort.objects.get(pk=cohort.pk).name == "Vojvodina, osnovni nivo"
    assert set(cohort.sessions.values_list("hours", flat=True)) == {Decimal("4")}


@pytest.mark.parametrize(("prefix", "typed"), [("", "3,5"), ("", "3.5"), ("/en", "3,5"), ("/en", "3.5")])
def test_session_admin_reads_a_comma_or_a_point_and_a_module_may_be_longer_than_a_day(
    client, staff_user, prefix, typed
):
    cohort = make_cohort(sessions=1, people=0)
    session = cohort.sessions.get()
    client.force_login(staff_user)
    url = reverse("admin:trainings_session_change", args=[session.pk])
    page = client.get(url)
    data = {f.html_name: f.value() for f in page.context["adminform"].form if f.value() is not None}
    data |= {"held_on": "2017-10-02", "hours": typed}

    response = client.post(prefix + url, data)

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.hours == Decimal("3.5")
    module = CurriculumModule(area=session.module.area, level="basic", title="Trodnevna radionica", hours=Decimal("18"))
    module.full_clean()  # a module of three training days is three sessions, not one


# 2. The training's real dates: its first and last session


def test_certificate_pdf_and_check_page_give_the_sessions_dates_not_the_planned_ones(client, coordinator_a):
    certificate = certificate_for(coordinator_a)  # planned 1.10.2017–28.2.2018, sessions 2–4.10.2017
    client.force_login(coordinator_a.user)

    serbian = pdf_text(client.get(reverse("trainings:certificate_pdf", args=[certificate.code])).content)
    english = pdf_text(client.get(f"/en/certificates/{certificate.code}/pdf/").content)
    page = client.get(f"/en/certificates/{certificate.code}/").content.decode()

    assert "2. oktobra 2017. – 4. oktobra 2017." in " ".join(serbian.split())  # the PDF's long dates
    assert "28. februara 2018." not in serbian and "1. oktobra 2017." not in serbian
    assert "2 October 2017 – 4 October 2017" in " ".join(english.split())
    assert '<time datetime="2017-10-02">' in page and '<time datetime="2017-10-04">' in page
    assert "Training held" in page


def test_history_gives_a_closed_cohorts_sessions_dates(coordinator_a):
    certificate = certificate_for(coordinator_a)

    [enrolment] = [
        e for e in participant_history(certificate.enrolment.participant) if e.pk == certificate.enrolment_id
    ]

    assert (enrolment.held_from, enrolment.held_until) == (date(2017, 10, 2), date(2017, 10, 4))


def test_history_page_shows_the_real_span(coordinator_a_client, coordinator_a):
    certificate_for(coordinator_a)

    body = " ".join(coordinator_a_client.get("/en/me/trainings/").content.decode().split())

    assert "2 October 2017 – 4 October 2017" in body
    assert "28 February 2018" not in body


# 3. A cleared cell on the sheet is "not recorded": its record goes, with a history row


def test_clearing_cells_removes_their_records_with_history_and_zero_stays_an_absence(cohort, staff_user):
    sessions = list(cohort.sessions.order_by("held_on"))
    ana, bojan, _ = cohort.enrolments.order_by("pk")
    attendance_sheet_save(
        cohort=cohort, hours={(s.pk, e.pk): s.hours for s in sessions for e in (ana, bojan)}
    )  # fmt: skip

    saved = attendance_sheet_save(
        cohort=cohort,
        hours={(sessions[0].pk, ana.pk): None, (sessions[1].pk, ana.pk): Decimal("0"), (sessions[0].pk, bojan.pk): None},
    )  # fmt: skip

    assert (saved.created, saved.updated, saved.deleted) == (0, 1, 2)
    assert sorted(Attendance.objects.filter(enrolment=ana).values_list("session_id", "hours")) == [
        (sessions[1].pk, Decimal("0")),
        (sessions[2].pk, Decimal("4")),
    ]
    removals = Attendance.history.filter(history_type="-", session_id=sessions[0].pk)
    assert sorted(removals.values_list("enrolment_id", "hours")) == [(ana.pk, Decimal("4")), (bojan.pk, Decimal("4"))]


def test_clearing_a_closed_cohorts_cell_removes_nothing(cohort):
    session = cohort.sessions.first()
    enrolment = cohort.enrolments.first()
    attendance_sheet_save(cohort=cohort, hours={(session.pk, enrolment.pk): Decimal("4")})
    cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))

    with pytest.raises(Exception, match="više ne može da se menja"):
        attendance_sheet_save(cohort=Cohort.objects.get(pk=cohort.pk), hours={(session.pk, enrolment.pk): None})

    assert Attendance.objects.filter(session=session).count() == 1


@pytest.mark.parametrize("people", [4, 20])
def test_clearing_a_whole_sheet_runs_the_same_queries_at_two_sizes(client, staff_user, people):
    cohort = make_cohort(sessions=3, people=people)
    sessions, enrolments = list(cohort.sessions.all()), list(cohort.enrolments.all())
    attendance_sheet_save(cohort=cohort, hours={(s.pk, e.pk): s.hours for s in sessions for e in enrolments})
    client.force_login(staff_user)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("admin:trainings_cohort_attendance", args=[cohort.pk]), {})

    assert response.status_code == 302, (response.context["form"].errors, response.context["form"].non_field_errors())
    assert Attendance.objects.filter(session__cohort=cohort).count() == 0
    deletes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DELETE")]
    assert len(deletes) == 1
    # the same at both sizes: the page's reads, the lock, then one DELETE and one bulk insert of history rows
    assert len(queries.captured_queries) == 14
    removed = Attendance.history.filter(history_type="-", session_id__in=[s.pk for s in sessions])
    assert removed.filter(history_user=staff_user).count() == 3 * people
    message = [str(m) for m in response.wsgi_request._messages]
    assert message == [
        f"Prisustvo je sačuvano: dodato je 0 zapisa, izmenjeno je 0 zapisa, uklonjeno je {3 * people} zapisa (polja su ispražnjena)."
    ]


def test_sheet_cleared_in_english_says_so(client, staff_user):
    cohort = make_cohort(sessions=1, people=1)
    session, enrolment = cohort.sessions.get(), cohort.enrolments.get()
    attendance_sheet_save(cohort=cohort, hours={(session.pk, enrolment.pk): Decimal("4")})
    client.force_login(staff_user)

    response = client.post(
        f"/en{reverse('admin:trainings_cohort_attendance', args=[cohort.pk])}",
        {cell_name(session.pk, enrolment.pk): ""},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Attendance saved: 0 records added, 0 records changed, 1 record removed (its cell was cleared)."
    ]


def test_history_counts_only_sessions_with_hours(coordinator_a_client, coordinator_a):
    cohort = make_cohort(sessions=3, people=0)
    enrolment = enrolment_create(cohort=cohort, participant=participant_for_coordinator(coordinator=coordinator_a))
    first, second, third = cohort.sessions.order_by("held_on")
    attendance_sheet_save(
        cohort=cohort,
        hours={(first.pk, enrolment.pk): Decimal("4"), (second.pk, enrolment.pk): Decimal("0")},
    )

    [row] = [e for e in participant_history(enrolment.participant) if e.pk == enrolment.pk]
    body = " ".join(coordinator_a_client.get("/en/me/trainings/").content.decode().split())

    assert [a.session_id for a in row.attendances.all()] == [first.pk]
    assert "1 session attended" in body
    assert third.pk not in [a.session_id for a in row.attendances.all()]


def test_attendance_import_refuses_an_empty_hours_cell_even_when_empty_cells_clear(cohort):
    enrolled = cohort.enrolments.order_by("pk").first().participant.coordinator
    session = cohort.sessions.order_by("held_on").first()
    attendance_sheet_save(
        cohort=cohort, hours={(session.pk, cohort.enrolments.order_by("pk").first().pk): Decimal("4")}
    )
    row = [
        str(cohort.pk),
        enrolled.first_name,
        enrolled.last_name,
        enrolled.email,
        "",
        session.held_on.strftime("%d.%m.%Y"),
        "",
    ]

    for importer in (AttendanceImport(), AttendanceImport(clear_empty=True)):
        assert refused(importer, xlsx_file([ATTENDANCE_HEADER, row])) == [
            "sati: Give the hours present (0 for an absence). An import never removes a record: to remove one, "
            "clear its cell on the cohort's attendance sheet."
        ]
    assert Attendance.objects.get(session=session).hours == Decimal("4")


# 4. Hours with more decimals than the sheet takes are refused, not rounded


def test_attendance_import_refuses_2_25_hours_in_the_sheets_words_and_takes_2_50(cohort):
    first, second = (e.participant.coordinator for e in cohort.enrolments.order_by("pk")[:2])
    day = cohort.sessions.order_by("held_on").first().held_on.strftime("%d.%m.%Y")
    rows = [
        ATTENDANCE_HEADER,
        [str(cohort.pk), first.first_name, first.last_name, first.email, "", day, "2,25"],
        [str(cohort.pk), second.first_name, second.last_name, second.email, "", day, "2,50"],
    ]

    with translation.override("sr-latn"):
        preview = AttendanceImport().preview(read(AttendanceImport(), xlsx_file(rows)))
    with translation.override("en"):
        english = AttendanceImport().preview(read(AttendanceImport(), xlsx_file(rows)))

    bad, good = preview.rows
    assert bad.errors == ["sati: Ne može biti više od 1 decimale."]
    assert good.errors == [] and good.cells["hours"].shown == "2,5"
    assert english.rows[0].errors == ["sati: Ensure that there are no more than 1 decimal place."]
    assert Attendance.objects.count() == Attendance.objects.count()  # a preview writes nothing


def test_decimal_column_still_rounds_where_rounding_is_wanted():
    gps = DecimalColumn("lat", "širina")
    hours = DecimalColumn("hours", "sati", places=1, round_extra=False)

    assert gps.parse("44,756012345", None) == Decimal("44.75601")
    assert hours.parse("2,5", None) == Decimal("2.5")
    assert hours.parse("3", None) == Decimal("3.0")
    with translation.override("sr-latn"), pytest.raises(ValidationError, match=r"Ne može biti više od 1 decimale\."):
        hours.parse("2,25", None)


# 5. The public numbers count as the staff's report does


def _programme_with_invited_and_revoked():
    """Four took up their place (three complete), one was only invited; one certificate is revoked."""
    cohort = make_cohort(people=5, name="Šumadija, osnovni nivo")
    enrolments = list(cohort.enrolments.order_by("pk"))
    invited = enrolments[4]
    invited.status = EnrolmentStatus.INVITED
    invited.save()
    attendance_sheet_save(
        cohort=cohort, hours={(s.pk, e.pk): s.hours for s in cohort.sessions.all() for e in enrolments[:3]}
    )
    closing = cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))
    certificate_revoke(certificate=closing.certificates[0], reason="Izdato greškom: prisustvo pogrešno uneto.")
    return cohort.programme


def test_public_counts_leave_out_invitations_and_revoked_completions_as_the_report_does(client):
    programme = _programme_with_invited_and_revoked()

    [public] = [p for p in programmes_for_public() if p.pk == programme.pk]
    [(_title, [total]), *_rest] = programme_results(programme)
    body = " ".join(client.get("/en/trainings/").content.decode().split())

    assert (public.participant_count, public.coordinator_count, public.completed_count) == (4, 4, 2)
    assert (total.enrolled, total.completed, total.completion_rate) == (4, 2, Decimal("50.0"))
    assert sum(group["completed"] for group in public.cohort_groups) == 2
    assert "2 participants completed the training" in body
    assert 'Participants (who took up their place)</dt><dd class="col-sm-8">4</dd>' in body


def test_a_reissued_certificate_keeps_its_completion():
    from trainings.services import certificate_reissue

    cohort = make_cohort(people=1)
    enrolment = cohort.enrolments.get()
    attendance_sheet_save(cohort=cohort, hours={(s.pk, enrolment.pk): s.hours for s in cohort.sessions.all()})
    [certificate] = cohort_close(cohort=cohort, closed_on=date(2018, 3, 1)).certificates
    certificate_reissue(certificate=certificate, reason="Ispravljeno ime.")

    programme = Programme.objects.with_results().get(pk=cohort.programme_id)

    assert programme.completed_count == 1
    assert programme_results(cohort.programme)[0][1][0].completed == 1


# 6. The close confirmation names who will be marked dropped out


@pytest.mark.parametrize("count", [1, 5])
def test_close_confirmation_names_those_dropping_out_with_their_hours(
    client, staff_user, django_assert_num_queries, count
):
    from .test_admin import _close

    cohort = make_cohort(people=0, sessions=3, hours=Decimal("5.5"))  # 16,5 hours, 80 %: 13,2 needed
    people = list(Coordinator.objects.filter(participant__isnull=True).order_by("pk")[: count + 1])
    enrolments = [
        enrolment_create(cohort=cohort, participant=participant_for_coordinator(coordinator=p)) for p in people
    ]
    sessions = list(cohort.sessions.order_by("held_on"))
    hours = {(s.pk, enrolments[0].pk): s.hours for s in sessions}
    for enrolment in enrolments[1:]:
        hours |= {(sessions[0].pk, enrolment.pk): Decimal("5.5"), (sessions[1].pk, enrolment.pk): Decimal("2")}
    attendance_sheet_save(cohort=cohort, hours=hours)
    client.force_login(staff_user)
    _close(client, [cohort])

    # as test_admin's count of the page: session, user, the changelist's filters (6), then the plan's three
    with django_assert_num_queries(11):
        response = _close(client, [cohort])

    page = " ".join(response.content.decode().split())
    for person in people[1:]:
        assert f"{person.full_name}: 7,5 od 16,5 h, potrebno 13,2" in page
    assert f"{people[0].full_name}:" not in page
    assert Cohort.objects.get(pk=cohort.pk).closed_on is None


def test_close_confirmation_in_english_names_them_too(client, staff_user):
    cohort = make_cohort(people=1, sessions=2, hours=Decimal("4"))
    enrolment = cohort.enrolments.get()
    attendance_sheet_save(cohort=cohort, hours={(cohort.sessions.first().pk, enrolment.pk): Decimal("2.5")})
    client.force_login(staff_user)

    response = client.post(
        f"/en{reverse('admin:trainings_cohort_changelist')}",
        {"action": "close_cohorts", "_selected_action": [cohort.pk]},
    )

    assert f"{enrolment.participant.full_name}: 2.5 of 8 h, needs 6.4" in " ".join(response.content.decode().split())


# 7. A rate while no cohort is closed is "in progress", not 0 %


def test_results_of_a_programme_still_running_say_in_progress(staff_client):
    cohort = running_cohort(people=2)
    url = f"/admin/trainings/programme/results/?programme={cohort.programme.pk}"

    [(_title, [total]), *_rest] = programme_results(cohort.programme)
    page = staff_client.get(url).content.decode()
    english = staff_client.get(f"/en{url}").content.decode()
    sheet = load_workbook(io.BytesIO(staff_client.get(f"/en{url}&format=xlsx").content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]

    assert (total.enrolled, total.completion_rate, total.in_progress) == (2, None, True)
    assert '<span class="in-progress">u toku</span>' in page
    assert "0,0" not in page.split("<table")[1]
    assert '<span class="in-progress">in progress</span>' in english
    assert rows[1] == ["Total: All participants", 2, 0, None, 0]
    assert rows[-1][0].startswith("An empty completion rate means in progress")


def test_a_programme_with_one_cohort_closed_rates_only_the_closed_cohort():
    closed = make_cohort(people=2)
    enrolments = list(closed.enrolments.order_by("pk"))
    attendance_sheet_save(cohort=closed, hours={(s.pk, enrolments[0].pk): s.hours for s in closed.sessions.all()})
    cohort_close(cohort=closed, closed_on=date(2018, 3, 1))
    running = running_cohort(people=0)
    running.programme = closed.programme
    running.save()
    for coordinator in Coordinator.objects.filter(participant__isnull=True).order_by("pk")[:3]:
        enrolment_create(cohort=running, participant=participant_for_coordinator(coordinator=coordinator))

    sections = programme_results(closed.programme)
    _headers, rows = programme_results_table(sections)
    [(_title, [total]), *_rest] = sections

    assert (total.enrolled, total.completed, total.completion_rate, total.in_progress) == (5, 1, Decimal("50.0"), False)
    assert not any(str(row[0]).startswith("Prazna stopa") for row in rows)  # no group is only in progress


def test_session_validator_refuses_13_hours_outside_the_admin_too():
    cohort = make_cohort(sessions=1, people=0)
    session = Session(
        cohort=cohort, module=cohort.sessions.get().module, held_on=date(2017, 10, 9), hours=Decimal("13")
    )

    with pytest.raises(Exception, match="najviše 12 sati"):
        session.full_clean()


def test_undo_of_an_import_whose_record_was_cleared_on_the_sheet_is_refused(cohort):
    from imports.services import UndoRefused, batch_undo
    from tests.imports.files import importer_user, run_import

    enrolment = cohort.enrolments.order_by("pk").first()
    person = enrolment.participant.coordinator
    session = cohort.sessions.order_by("held_on").first()
    row = [str(cohort.pk), person.first_name, person.last_name, person.email, "", session.held_on.strftime("%d.%m.%Y")]
    batch = run_import(AttendanceImport(), xlsx_file([ATTENDANCE_HEADER, [*row, "3,5"]]))
    attendance_sheet_save(cohort=cohort, hours={(session.pk, enrolment.pk): None})

    with pytest.raises(UndoRefused):
        batch_undo(batch=batch, user=importer_user())

    assert not Attendance.objects.filter(session=session, enrolment=enrolment).exists()
    assert Attendance.history.filter(session_id=session.pk, enrolment_id=enrolment.pk).count() == 2  # "+" and "-"
