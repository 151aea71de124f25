import html
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from offices.models import Coordinator
from tests.factories import (
    AppointmentFactory,
    CoordinatorFactory,
    OfficeFactory,
    UserFactory,
    free_areas,
    staff_with_permissions,
)
from trainings.forms import cell_name, tick_name
from trainings.models import (
    Attendance,
    Certificate,
    CertificateStatus,
    Cohort,
    CurriculumModule,
    Enrolment,
    Participant,
    Programme,
    Session,
    validate_attendance,
)
from trainings.services import (
    attendance_sheet_save,
    certificate_revoke,
    cohort_close,
    enrolment_create,
    participant_for_coordinator,
)

from ..conftest import TODAY
from .conftest import make_cohort, running_cohort

pytestmark = pytest.mark.django_db


def _sheet_url(cohort):
    return reverse("admin:trainings_cohort_attendance", args=[cohort.pk])


@pytest.mark.parametrize(
    "model", [Programme, Cohort, Session, Participant, Enrolment, Attendance, Certificate], ids=lambda m: m.__name__
)
def test_changelist_and_search_answer_staff(client, staff_user, cohort, model):
    client.force_login(staff_user)

    response = client.get(reverse(f"admin:trainings_{model._meta.model_name}_changelist"), {"q": "sabac"})

    assert response.status_code == 200


def test_participant_search_finds_coordinator_in_any_script(client, staff_user, cohort):
    person = cohort.enrolments.first().participant
    client.force_login(staff_user)

    response = client.get(
        reverse("admin:trainings_participant_changelist"), {"q": person.coordinator.last_name.upper()}
    )

    assert person in response.context["cl"].result_list


@pytest.mark.parametrize("sizes", [(2, 2), (6, 12)])
def test_attendance_sheet_queries_do_not_grow(client, staff_user, django_assert_num_queries, sizes):
    sessions, people = sizes
    cohort = make_cohort(sessions=sessions, people=people)
    client.force_login(staff_user)

    with django_assert_num_queries(6):
        response = client.get(_sheet_url(cohort))

    assert response.status_code == 200
    assert len(response.context["form"].fields) == 2 * sessions * people  # hours and a tick per cell


def test_attendance_sheet_is_staff_only(client, coordinator_a, cohort):
    client.force_login(coordinator_a.user)

    response = client.get(_sheet_url(cohort))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_attendance_sheet_saves_40_by_10_in_a_handful_of_queries(client, staff_user, django_assert_max_num_queries):
    cohort = make_cohort(sessions=10, people=40)
    sessions = list(cohort.sessions.all())
    enrolments = list(cohort.enrolments.all())
    data = {cell_name(s.pk, e.pk): "3,5" for s in sessions for e in enrolments}
    client.force_login(staff_user)

    with django_assert_max_num_queries(16):
        response = client.post(_sheet_url(cohort), data)

    assert response.status_code == 302
    assert Attendance.objects.filter(session__cohort=cohort).count() == 400
    history = Attendance.history.filter(session_id__in=[s.pk for s in sessions])
    assert (history.count(), history.filter(history_user=staff_user).count()) == (400, 400)


def test_attendance_sheet_hours_above_session_saves_nothing(client, staff_user, cohort):
    session = cohort.sessions.first()
    first, second = cohort.enrolments.order_by("pk")[:2]
    client.force_login(staff_user)

    response = client.post(
        _sheet_url(cohort), {cell_name(session.pk, first.pk): "4", cell_name(session.pk, second.pk): "7"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {cell_name(session.pk, second.pk): ["Najviše 4 h: koliko traje sesija."]}
    assert "Ništa nije sačuvano." in response.content.decode()
    assert Attendance.objects.filter(session__cohort=cohort).count() == 0


@pytest.mark.parametrize(
    ("prefix", "hours", "message", "heading"),
    [
        ("", "4", "Najviše 4 h: koliko traje sesija.", "najviše 4 h"),
        ("", "2.5", "Najviše 2,5 h: koliko traje sesija.", "najviše 2,5 h"),
        ("/sr", "4", "Највише 4 ч: колико траје сесија.", "највише 4 ч"),
        ("/en", "4", "At most 4 h: the length of the session.", "max. 4 h"),
        ("/en", "2.5", "At most 2.5 h: the length of the session.", "max. 2.5 h"),
    ],
)
def test_attendance_sheet_writes_whole_hours_without_a_decimal(client, staff_user, prefix, hours, message, heading):
    cohort = make_cohort(people=1, sessions=1, hours=Decimal(hours))
    session, enrolment = cohort.sessions.get(), cohort.enrolments.get()
    client.force_login(staff_user)
    url = prefix + _sheet_url(cohort)

    response = client.post(url, {cell_name(session.pk, enrolment.pk): "7"})

    assert response.context["form"].errors == {cell_name(session.pk, enrolment.pk): [message]}
    assert f'<span class="sheet-hours">{heading}</span>' in response.content.decode()
    with translation.override("en"):
        with pytest.raises(ValidationError) as raised:
            validate_attendance(session, enrolment, Decimal("7"))
        assert raised.value.messages == [
            f"{enrolment.participant}: give from 0 to {hours} h for the session {session}."
        ]


@pytest.mark.parametrize(
    ("prefix", "title", "row", "latin"),
    [
        ("", "Lista prisustva: Vojvodina, osnovni nivo", '<th scope="row">Uroš Begović', None),
        ("/sr", "Листа присуства: Војводина, основни ниво", '<th scope="row">Урош Беговић', "Uroš Begović"),
    ],
)
def test_attendance_sheet_names_the_cohort_and_people_in_the_pages_script(
    client, staff_user, prefix, title, row, latin
):
    cohort = make_cohort(people=1, sessions=1)
    participant = cohort.enrolments.get().participant
    Coordinator.objects.filter(pk=participant.coordinator_id).update(first_name="Uroš", last_name="Begović")
    client.force_login(staff_user)

    page = client.get(prefix + _sheet_url(cohort)).content.decode()

    assert f"<h1>{title}</h1>" in page
    assert row in page
    assert "Vojvodina, osnovni nivo" not in page if latin else "Војводина" not in page
    if latin:
        assert latin not in page


def test_attendance_sheet_page_has_no_inline_style_or_script(client, staff_user, cohort):
    client.force_login(staff_user)

    body = client.get(_sheet_url(cohort)).content.decode()

    assert " style=" not in body
    assert "<script>" not in body
    assert "trainings/attendance.css" in body


def test_certificate_reissue_action_keeps_old_row(client, staff_user, cohort):
    enrolment = cohort.enrolments.first()
    Attendance.objects.bulk_create(
        Attendance(session=session, enrolment=enrolment, hours=session.hours) for session in cohort.sessions.all()
    )
    (certificate,) = cohort_close(cohort=cohort, closed_on=date(2018, 3, 1)).certificates
    client.force_login(staff_user)

    client.post(
        reverse("admin:trainings_certificate_changelist"),
        {"action": "reissue", "_selected_action": [certificate.pk], "post": "yes", "reason": "Ispravljeno ime"},
    )

    certificate.refresh_from_db()
    assert (certificate.status, certificate.note) == (CertificateStatus.REPLACED, "Ispravljeno ime")
    assert Certificate.objects.filter(enrolment=enrolment).count() == 2


def test_close_cohorts_action_issues_certificates(client, staff_user, cohort):
    enrolment = cohort.enrolments.first()
    Attendance.objects.bulk_create(
        Attendance(session=session, enrolment=enrolment, hours=session.hours) for session in cohort.sessions.all()
    )
    client.force_login(staff_user)

    client.post(
        reverse("admin:trainings_cohort_changelist"),
        {"action": "close_cohorts", "_selected_action": [cohort.pk], "post": "yes"},
    )

    assert Certificate.objects.filter(enrolment__cohort=cohort).count() == 1
    assert Cohort.objects.get(pk=cohort.pk).closed_on is not None


def test_enrolment_create_locks_and_participant_of_unlinked_person(db):
    cohort = make_cohort(people=0, capacity=1)
    coordinator = Coordinator.objects.order_by("pk").first()

    enrolment = enrolment_create(cohort=cohort, participant=participant_for_coordinator(coordinator=coordinator))

    assert enrolment.participant.coordinator == coordinator
    assert Decimal(Enrolment.objects.with_hours().get(pk=enrolment.pk).hours_attended) == Decimal("0")


def test_enrolment_add_in_full_cohort_is_refused(client, staff_user):
    cohort = make_cohort(people=2, capacity=2)
    outsider = Participant.objects.create(first_name="Selma", last_name="Mujić", organisation="Vijeće mladih Cazin")
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:trainings_enrolment_add"),
        {"cohort": cohort.pk, "participant": outsider.pk, "status": "enrolled"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        f"Grupa {cohort} je popunjena: zauzeta su sva mesta (2)."
    ]
    assert cohort.enrolments.count() == 2


def test_enrolment_add_with_room_saves(client, staff_user):
    cohort = make_cohort(people=1, capacity=2)
    outsider = Participant.objects.create(first_name="Selma", last_name="Mujić", organisation="Vijeće mladih Cazin")
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:trainings_enrolment_add"),
        {"cohort": cohort.pk, "participant": outsider.pk, "status": "enrolled"},
    )

    assert response.status_code == 302
    assert cohort.enrolments.filter(participant=outsider).count() == 1


def _cohort_form_data(client, cohort, **changes):
    """The cohort's change form as the admin shows it, sessions inline included, with `changes`."""
    url = reverse("admin:trainings_cohort_change", args=[cohort.pk])
    response = client.get(url)
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.extend(formset.forms)
        management = formset.management_form
        data.update({management[name].html_name: management[name].value() for name in management.fields})
    for form in forms:
        for field in form:
            value = field.value()
            if value is not None:
                data[field.html_name] = value.isoformat() if isinstance(value, date) else value
    data.update(changes)
    return url, data


def test_cohort_change_form_refuses_dates_that_leave_sessions_out_on_their_rows(client, staff_user, cohort):
    client.force_login(staff_user)
    url, data = _cohort_form_data(client, cohort, starts_on="2017-10-03")

    response = client.post(url, data)

    assert response.status_code == 200
    [sessions] = response.context["inline_admin_formsets"]
    assert [form.errors.get("held_on") for form in sessions.formset.forms] == [
        ["Sesija mora biti u periodu grupe, od 03.10.2017. do 28.02.2018."],
        None,
        None,
    ]
    assert Cohort.objects.get(pk=cohort.pk).starts_on == date(2017, 10, 1)


def test_cohort_change_form_refuses_capacity_below_enrolments_and_saves_a_fitting_one(client, staff_user, cohort):
    client.force_login(staff_user)
    url, data = _cohort_form_data(client, cohort, capacity="2")

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "capacity": ["Zauzeta su 3 mesta (pozvani, upisani ili završili): kapacitet ne može biti manji."]
    }
    assert Cohort.objects.get(pk=cohort.pk).capacity == 50
    assert client.post(url, {**data, "capacity": "3"}).status_code == 302
    assert Cohort.objects.get(pk=cohort.pk).capacity == 3


def test_session_change_form_refuses_hours_below_attendance(client, staff_user, cohort):
    session = cohort.sessions.order_by("held_on").first()
    Attendance.objects.bulk_create(Attendance(session=session, enrolment=e, hours=4) for e in cohort.enrolments.all())
    client.force_login(staff_user)
    url = reverse("admin:trainings_session_change", args=[session.pk])
    data = {
        "cohort": cohort.pk,
        "module": session.module_id,
        "held_on": "2017-10-02",
        "hours": "2",
        "place": session.place,
    }

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "hours": ["3 evidencije prisustva ove sesije imaju više od 2 h: prvo ih smanjite na listi prisustva."]
    }
    assert Session.objects.get(pk=session.pk).hours == Decimal("4")


def test_close_cohorts_action_says_how_many_invitations_stay_unanswered(client, staff_user):
    cohort = make_cohort(people=1)
    for first_name, last_name in [("Amra", "Hadžić"), ("Đorđe", "Ćirić"), ("Милица", "Јовановић")]:
        enrolment_create(
            cohort=cohort,
            participant=Participant.objects.create(first_name=first_name, last_name=last_name),
            status="invited",
        )
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:trainings_cohort_changelist"),
        {"action": "close_cohorts", "_selected_action": [cohort.pk], "post": "yes"},
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == [
        f"Grupa {cohort} je zatvorena: izdato je 0 uverenja. 3 poziva su ostala bez odgovora; ostaju u stanju „poslat poziv“."
    ]
    assert cohort.enrolments.filter(status="invited").count() == 3


def test_attendance_sheet_save_message_counts_in_serbian_plurals(client, staff_user, cohort):
    session = cohort.sessions.order_by("held_on").first()
    first, second = cohort.enrolments.order_by("pk")[:2]
    client.force_login(staff_user)

    response = client.post(
        _sheet_url(cohort),
        {cell_name(session.pk, first.pk): "4", cell_name(session.pk, second.pk): "3,5"},
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == [
        "Prisustvo je sačuvano: dodata su 2 zapisa, izmenjeno je 0 zapisa."
    ]


def test_cohort_change_form_moves_a_cohort_and_its_sessions_together(client, staff_user, cohort):
    client.force_login(staff_user)
    url, data = _cohort_form_data(client, cohort, starts_on="2017-10-08", ends_on="2018-03-07")
    days = iter(["2017-10-09", "2017-10-10", "2017-10-11"])
    data.update({name: next(days) for name in sorted(data) if name.endswith("-held_on")})

    response = client.post(url, data)

    assert response.status_code == 302
    assert sorted(cohort.sessions.values_list("held_on", flat=True)) == [
        date(2017, 10, 9),
        date(2017, 10, 10),
        date(2017, 10, 11),
    ]


def test_cohort_change_form_without_session_rights_checks_the_stored_sessions(client, cohort):
    user = UserFactory(username="milan.pregled", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="trainings", codename__in=["view_cohort", "change_cohort", "view_session"]
        )
    )
    client.force_login(user)
    url, data = _cohort_form_data(client, cohort, starts_on="2017-10-03")

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "1 sesija je van ovih datuma: Uvod u omladinsku politiku (02.10.2017.). "
        "Prvo je premestite ili izaberite datume koji je obuhvataju."
    ]
    assert Cohort.objects.get(pk=cohort.pk).starts_on == date(2017, 10, 1)


def test_cohort_capacity_change_counts_places_under_the_cohort_lock(client, staff_user, cohort):
    if not connection.features.has_select_for_update:
        pytest.skip("SQLite locks the whole database on a write; there is no row lock to see")
    client.force_login(staff_user)
    url, data = _cohort_form_data(client, cohort, capacity="2")

    with CaptureQueriesContext(connection) as queries:
        client.post(url, data)

    sql = [query["sql"] for query in queries.captured_queries]
    lock = next(i for i, text in enumerate(sql) if '"trainings_cohort"' in text and "FOR UPDATE" in text.upper())
    count = next(i for i, text in enumerate(sql) if "COUNT(" in text.upper() and '"trainings_enrolment"' in text)
    assert lock < count


# Closing cohorts: a confirmation page first


def _close(client, cohorts, **extra):
    return client.post(
        reverse("admin:trainings_cohort_changelist"),
        {"action": "close_cohorts", "_selected_action": [cohort.pk for cohort in cohorts], **extra},
        follow=True,
    )


def test_close_cohorts_action_asks_first_saying_what_will_happen_and_writes_nothing(client, staff_user, cohort):
    full, _short, invited = cohort.enrolments.order_by("pk")
    invited.status = "invited"
    invited.save()
    attendance_sheet_save(cohort=cohort, hours={(s.pk, full.pk): s.hours for s in cohort.sessions.all()})
    ahead = running_cohort()
    client.force_login(staff_user)

    response = _close(client, [cohort, ahead])

    assert response.templates[0].name == "admin/trainings/cohort_close_confirmation.html"
    page = " ".join(response.content.decode().split())
    assert "1 učesnik završava i dobija uverenje" in page
    assert "1 učesnik nije prisustvovao dovoljno i dobija stanje „odustajanje“" in page
    assert "1 poziv je ostao bez odgovora i ostaje u stanju „poslat poziv“" in page
    last = ahead.sessions.order_by("held_on").last().held_on
    assert f"Grupa {ahead} ne može da se zatvori pre nego što se održi njena poslednja sesija, {last:%d.%m.%Y}." in page
    assert 'value="Da, zatvori 1 grupu"' in page
    assert Cohort.objects.filter(closed_on__isnull=False, pk__in=[cohort.pk, ahead.pk]).count() == 0
    assert Certificate.objects.filter(enrolment__cohort=cohort).count() == 0


@pytest.mark.parametrize(
    ("prefix", "half", "whole"),
    [
        ("", "{name}: 10,5 od 16 h, potrebno 12,8", "{name}: 8 od 16 h, potrebno 12,8"),
        ("/en", "{name}: 10.5 of 16 h, needs 12.8", "{name}: 8 of 16 h, needs 12.8"),
    ],
)
def test_close_cohorts_confirmation_writes_hours_as_a_person_does(client, staff_user, prefix, half, whole):
    cohort = make_cohort(people=2, sessions=4)  # 4 sessions of 4 h: 16 h, 80 % needs 12,8
    first, second, third, _fourth = cohort.sessions.order_by("held_on")
    halfway, twice = cohort.enrolments.order_by("pk")
    attendance_sheet_save(
        cohort=cohort,
        hours={
            (first.pk, halfway.pk): Decimal("4"),
            (second.pk, halfway.pk): Decimal("4"),
            (third.pk, halfway.pk): Decimal("2.5"),
            (first.pk, twice.pk): Decimal("4"),
            (second.pk, twice.pk): Decimal("4"),
        },
    )
    client.force_login(staff_user)
    url = prefix + reverse("admin:trainings_cohort_changelist")

    response = client.post(url, {"action": "close_cohorts", "_selected_action": [cohort.pk]})

    page = html.unescape(response.content.decode())
    assert re.findall(r'<ul class="dropped-out"><li>(.*?)</li><li>(.*?)</li></ul>', " ".join(page.split())) == [
        (half.format(name=halfway.participant.full_name), whole.format(name=twice.participant.full_name))
    ]


def test_close_cohorts_confirmed_closes_what_may_close_and_refuses_a_cohort_with_sessions_ahead(
    client, staff_user, cohort
):
    ahead = running_cohort()
    client.force_login(staff_user)

    response = _close(client, [cohort, ahead], post="yes")

    last = ahead.sessions.order_by("held_on").last().held_on
    assert [str(message) for message in response.context["messages"]] == [
        f"Grupa {cohort} je zatvorena: izdato je 0 uverenja.",
        f"Grupa {ahead} ne može da se zatvori pre nego što se održi njena poslednja sesija, {last:%d.%m.%Y}.",
    ]
    assert Cohort.objects.get(pk=cohort.pk).closed_on == TODAY
    assert Cohort.objects.get(pk=ahead.pk).closed_on is None
    assert set(ahead.enrolments.values_list("status", flat=True)) == {"enrolled"}


def test_close_cohorts_confirmation_in_english_offers_no_button_when_nothing_can_close(client, staff_user):
    ahead = running_cohort()
    client.force_login(staff_user)

    response = client.post(
        "/en/admin/trainings/cohort/", {"action": "close_cohorts", "_selected_action": [ahead.pk]}, follow=True
    )

    page = " ".join(response.content.decode().split())
    assert "cannot be closed before its last session has taken place" in page
    assert "None of the selected cohorts can be closed now." in page
    assert 'name="post"' in page
    assert 'type="submit"' not in page.split('id="content"')[1]


# Enrolments: "completed" only by closing


def test_enrolment_change_to_completed_by_hand_is_refused_in_the_users_language(client, staff_user, cohort):
    enrolment = cohort.enrolments.first()
    client.force_login(staff_user)
    url = reverse("admin:trainings_enrolment_change", args=[enrolment.pk])
    data = {"cohort": cohort.pk, "participant": enrolment.participant_id, "status": "completed"}

    latin = client.post(url, data)
    english = client.post(f"/en{url}", data)

    assert latin.context["adminform"].form.errors == {
        "status": [
            "„završena obuka“ ne može da se postavi ručno: završetak sledi pravilo programa kada se grupa zatvori. "
            "Izaberite „poslat poziv“, „potvrđen upis“ ili „odustajanje“."
        ]
    }
    assert english.context["adminform"].form.errors["status"] == [
        "“completed” cannot be set by hand: Completion follows the programme's rule when the cohort is closed. "
        "Choose invited, enrolled or dropped out."
    ]
    assert Enrolment.objects.get(pk=enrolment.pk).status == "enrolled"


def test_enrolment_form_offers_no_completed_and_lets_staff_mark_a_drop_out_mid_cohort(client, staff_user):
    cohort = running_cohort()
    enrolment = cohort.enrolments.first()
    client.force_login(staff_user)
    url = reverse("admin:trainings_enrolment_change", args=[enrolment.pk])

    form = client.get(url).context["adminform"].form
    response = client.post(url, {"cohort": cohort.pk, "participant": enrolment.participant_id, "status": "dropped_out"})

    assert [value for value, _label in form.fields["status"].widget.choices] == ["invited", "enrolled", "dropped_out"]
    assert response.status_code == 302
    assert Enrolment.objects.get(pk=enrolment.pk).status == "dropped_out"


# Attendance of a closed cohort or of a session still to come


def test_attendance_sheet_of_a_closed_cohort_is_read_only_and_says_why(client, staff_user, cohort):
    session, enrolment = cohort.sessions.order_by("held_on").first(), cohort.enrolments.order_by("pk").first()
    attendance_sheet_save(cohort=cohort, hours={(session.pk, enrolment.pk): Decimal("3.5")})
    cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))
    client.force_login(staff_user)

    page = client.get(_sheet_url(cohort)).content.decode()
    response = client.post(_sheet_url(cohort), {cell_name(session.pk, enrolment.pk): "4"})

    assert "njeni završeci i uverenja određeni su iz ovog prisustva" in page
    assert '<td class="read-only">3,5</td>' in page
    assert "<input" not in page.split('class="sheet"')[1]
    assert response.context["form"].non_field_errors() == [
        f"Grupa {cohort} je zatvorena 01.03.2018.: njeno prisustvo više ne može da se menja."
    ]
    assert Attendance.objects.get(session=session, enrolment=enrolment).hours == Decimal("3.5")


def test_attendance_sheet_takes_nothing_for_a_session_still_to_come(client, staff_user):
    cohort = running_cohort()
    past, today, coming = cohort.sessions.order_by("held_on")
    enrolment = cohort.enrolments.order_by("pk").first()
    client.force_login(staff_user)

    response = client.post(
        _sheet_url(cohort),
        {cell_name(past.pk, enrolment.pk): "4", cell_name(today.pk, enrolment.pk): "2", cell_name(coming.pk, enrolment.pk): "4"},
        follow=True,
    )  # fmt: skip

    assert [str(message) for message in response.context["messages"]] == [
        f"Za sesiju {coming} ništa nije upisano: još nije održana, a prisustvo se unosi od njenog dana.",
        "Prisustvo je sačuvano: dodata su 2 zapisa, izmenjeno je 0 zapisa.",
    ]
    assert sorted(Attendance.objects.filter(enrolment=enrolment).values_list("session_id", flat=True)) == sorted(
        [past.pk, today.pk]
    )
    assert "1 sesija još nije održana: prisustvo se unosi od njenog dana." in response.content.decode()


def test_attendance_admin_form_refuses_a_closed_cohort_and_a_session_still_to_come(client, staff_user, cohort):
    enrolment = cohort.enrolments.order_by("pk").first()
    cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))
    running = running_cohort(people=1)
    coming = running.sessions.order_by("held_on").last()
    client.force_login(staff_user)
    url = reverse("admin:trainings_attendance_add")

    closed = client.post(url, {"session": cohort.sessions.first().pk, "enrolment": enrolment.pk, "hours": "4"})
    assert closed.context["adminform"].form.non_field_errors() == [
        f"Grupa {cohort} je zatvorena 01.03.2018.: njeno prisustvo više ne može da se menja."
    ]
    ahead = client.post(f"/en{url}", {"session": coming.pk, "enrolment": running.enrolments.get().pk, "hours": "4"})

    assert ahead.context["adminform"].form.non_field_errors() == [
        f"The session {coming} has not taken place yet: its attendance can be recorded from that day on."
    ]
    assert Attendance.objects.filter(enrolment__cohort__in=[cohort, running]).count() == 0


def test_attendance_of_a_closed_cohort_cannot_be_deleted(client, staff_user, cohort):
    session, enrolment = cohort.sessions.first(), cohort.enrolments.first()
    attendance_sheet_save(cohort=cohort, hours={(session.pk, enrolment.pk): Decimal("4")})
    cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))
    record = Attendance.objects.get(session=session, enrolment=enrolment)
    client.force_login(staff_user)

    single = client.post(reverse("admin:trainings_attendance_delete", args=[record.pk]), {"post": "yes"}, follow=True)
    bulk = client.post(
        reverse("admin:trainings_attendance_changelist"),
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
        follow=True,
    )

    refused = (
        f"Ništa nije obrisano: zatvorena je grupa {cohort}, a sesije, upisi i prisustvo zatvorene grupe ostaju "
        "kakvi su bili kada je odlučeno o završetku obuke."
    )
    assert single.redirect_chain == [(reverse("admin:trainings_attendance_change", args=[record.pk]), 302)]
    assert [str(message) for message in single.context["messages"]] == [refused]
    assert [str(message) for message in bulk.context["messages"]] == [refused]
    assert Attendance.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("confirmed", [False, True])
def test_bulk_delete_of_a_closed_cohorts_sessions_is_refused_with_a_message(client, staff_user, cohort, confirmed):
    cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))  # nobody attended: the sessions hold no attendance
    open_cohort = make_cohort(people=0, name="Srem, osnovni nivo")
    selected = [*cohort.sessions.values_list("pk", flat=True), open_cohort.sessions.first().pk]
    client.force_login(staff_user)
    url = reverse("admin:trainings_session_changelist")

    response = client.post(
        f"/en{url}",
        {"action": "delete_selected", "_selected_action": selected} | ({"post": "yes"} if confirmed else {}),
        follow=True,
    )

    assert response.status_code == 200
    assert [str(message) for message in response.context["messages"]] == [
        f"Nothing was deleted: the cohort {cohort} is closed, and a closed cohort's sessions, enrolments and "
        "attendance stay as its completions were counted on."
    ]
    assert Session.objects.filter(pk__in=selected).count() == 4


@pytest.mark.parametrize(
    ("prefix", "refused"),
    [
        (
            "",
            "Ništa nije obrisano: zatvorena je grupa {cohort}, a sesije, upisi i prisustvo zatvorene grupe ostaju "
            "kakvi su bili kada je odlučeno o završetku obuke.",
        ),
        (
            "/en",
            "Nothing was deleted: the cohort {cohort} is closed, and a closed cohort's sessions, enrolments and "
            "attendance stay as its completions were counted on.",
        ),
    ],
)
def test_enrolment_of_a_closed_cohort_is_not_deleted_and_the_page_says_why(client, staff_user, cohort, prefix, refused):
    cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))  # nobody attended: all dropped out, no attendance
    dropped = cohort.enrolments.order_by("pk").first()
    assert dropped.status == "dropped_out"
    client.force_login(staff_user)
    delete_url = prefix + reverse("admin:trainings_enrolment_delete", args=[dropped.pk])
    change_url = prefix + reverse("admin:trainings_enrolment_change", args=[dropped.pk])
    changelist_url = prefix + reverse("admin:trainings_enrolment_changelist")
    message = refused.format(cohort=cohort)

    change_page = client.get(change_url).content.decode()
    asked = client.get(delete_url, follow=True)
    confirmed = client.post(delete_url, {"post": "yes"}, follow=True)
    bulk_asked = client.post(
        changelist_url, {"action": "delete_selected", "_selected_action": [dropped.pk]}, follow=True
    )
    bulk_confirmed = client.post(
        changelist_url, {"action": "delete_selected", "_selected_action": [dropped.pk], "post": "yes"}, follow=True
    )

    assert delete_url not in change_page  # no delete button
    for response in (asked, confirmed):
        assert response.redirect_chain == [(change_url, 302)]
        assert [str(m) for m in response.context["messages"]] == [message]
    for response in (bulk_asked, bulk_confirmed):
        assert response.redirect_chain == [(changelist_url, 302)]
        assert [str(m) for m in response.context["messages"]] == [message]
    assert cohort.enrolments.count() == 3
    assert Enrolment.history.filter(id=dropped.pk, history_type="-").count() == 0


def test_enrolment_of_an_open_cohort_is_still_deleted_one_by_one_and_in_bulk(client, staff_user):
    cohort = make_cohort(people=3)
    first, second, third = cohort.enrolments.order_by("pk")
    client.force_login(staff_user)

    single = client.post(reverse("admin:trainings_enrolment_delete", args=[first.pk]), {"post": "yes"}, follow=True)
    bulk = client.post(
        reverse("admin:trainings_enrolment_changelist"),
        {"action": "delete_selected", "_selected_action": [second.pk, third.pk], "post": "yes"},
        follow=True,
    )

    assert single.redirect_chain == [(reverse("admin:trainings_enrolment_changelist"), 302)]
    # Django's own message, the name before the number (portal/library_strings.py, DJANGO_ADMIN)
    assert [(m.level, str(m)) for m in bulk.context["messages"]] == [(messages.SUCCESS, "Uspešno obrisano: upisi (2).")]
    assert cohort.enrolments.count() == 0


def test_enrolment_with_attendance_of_an_open_cohort_is_protected_as_before(client, staff_user, cohort):
    session, enrolment = cohort.sessions.first(), cohort.enrolments.first()
    attendance_sheet_save(cohort=cohort, hours={(session.pk, enrolment.pk): Decimal("4")})
    client.force_login(staff_user)

    response = client.post(reverse("admin:trainings_enrolment_delete", args=[enrolment.pk]), {"post": "yes"})

    assert response.status_code == 200
    assert response.context["protected"]  # Django's page naming the attendance that keeps it
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()


def test_bulk_delete_of_an_open_cohorts_sessions_still_deletes(client, staff_user):
    cohort = make_cohort(people=0)
    selected = list(cohort.sessions.values_list("pk", flat=True))
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:trainings_session_changelist"),
        {"action": "delete_selected", "_selected_action": selected, "post": "yes"},
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == ["Uspešno obrisano: sesije (3)."]
    assert Session.objects.filter(pk__in=selected).count() == 0


@pytest.mark.parametrize("model", ["session", "enrolment", "attendance"])
def test_delete_confirmation_page_costs_the_same_queries_for_one_record_and_several(client, staff_user, model):
    """The page lists what would be deleted and asks each record's `has_delete_permission`
    (ClosedCohortFrozenMixin: is its cohort closed?): the cohorts are read once, not once a record."""
    client.force_login(staff_user)

    def page_queries(count, name):
        cohort = make_cohort(sessions=count, people=count, name=name)
        records = {
            "session": cohort.sessions.all(),
            "enrolment": cohort.enrolments.all(),
            "attendance": Attendance.objects.filter(enrolment__cohort=cohort),
        }
        if model == "attendance":
            attendance_sheet_save(
                cohort=cohort,
                hours={(session.pk, enrolment.pk): Decimal("3") for session in cohort.sessions.all()
                       for enrolment in cohort.enrolments.all()},
            )  # fmt: skip
        selected = list(records[model].values_list("pk", flat=True))
        changelist = reverse(f"admin:trainings_{model}_changelist")
        with CaptureQueriesContext(connection) as queries:
            response = client.post(changelist, {"action": "delete_selected", "_selected_action": selected})
        assert response.status_code == 200
        assert response.context["perms_lacking"] == set()
        assert len(response.context["queryset"]) == len(selected)
        return len(queries)

    assert page_queries(1, "Šumadija, osnovni nivo") == page_queries(4, "Поморавље, основни ниво")


# A new cohort's session rows are checked against the dates typed


def test_cohort_add_page_refuses_a_session_row_outside_the_dates_typed(client, staff_user):
    programme = make_cohort(people=0, sessions=1).programme
    module = Session.objects.filter(cohort__programme=programme).get().module
    client.force_login(staff_user)
    data = {
        "programme": programme.pk,
        "name": "Banat, osnovni nivo",
        "level": "basic",
        "starts_on": "2017-11-01",
        "ends_on": "2017-11-30",
        "capacity": "20",
        "sessions-TOTAL_FORMS": "2",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
    }
    for number, day in enumerate(["2017-11-10", "2017-12-05"]):
        data |= {f"sessions-{number}-held_on": day, f"sessions-{number}-module": module.pk, f"sessions-{number}-hours": "4"}  # fmt: skip

    response = client.post(reverse("admin:trainings_cohort_add"), data)

    assert response.status_code == 200
    [sessions] = response.context["inline_admin_formsets"]
    assert [form.errors.get("held_on") for form in sessions.formset.forms] == [
        None,
        ["Sesija mora biti u periodu grupe, od 01.11.2017. do 30.11.2017."],
    ]
    assert not Cohort.objects.filter(name="Banat, osnovni nivo").exists()


# Certificates: revoke and re-issue, confirmed with a reason


def _certificate_action(client, action, certificates, prefix="", **extra):
    return client.post(
        f"{prefix}{reverse('admin:trainings_certificate_changelist')}",
        {"action": action, "_selected_action": [c.pk for c in certificates], **extra},
        follow=True,
    )


def _closed_with_certificates(cohort, count):
    enrolments = list(cohort.enrolments.order_by("pk")[:count])
    attendance_sheet_save(
        cohort=cohort, hours={(s.pk, e.pk): s.hours for s in cohort.sessions.all() for e in enrolments}
    )
    return sorted(cohort_close(cohort=cohort, closed_on=date(2018, 3, 1)).certificates, key=lambda c: c.pk)


def test_certificate_revoke_action_asks_for_a_reason_and_stores_it(client, staff_user, cohort):
    [certificate] = _closed_with_certificates(cohort, 1)
    client.force_login(staff_user)

    asked = _certificate_action(client, "revoke", [certificate])
    empty = _certificate_action(client, "revoke", [certificate], post="yes", reason=" ")
    done = _certificate_action(client, "revoke", [certificate], post="yes", reason="Prisustvo je pogrešno uneto.")

    assert asked.templates[0].name == "admin/trainings/certificate_confirmation.html"
    assert '<textarea name="reason"' in asked.content.decode()
    assert empty.context["form"].errors == {"reason": ["Navedite razlog: čuva se uz uverenje."]}
    assert [str(message) for message in done.context["messages"]] == [f"Uverenje {certificate.code} je opozvano."]
    certificate.refresh_from_db()
    assert (certificate.status, certificate.note) == (CertificateStatus.REVOKED, "Prisustvo je pogrešno uneto.")


def test_certificate_actions_name_the_certificates_left_alone_and_why(client, staff_user, cohort):
    valid, replaced = _closed_with_certificates(cohort, 2)
    client.force_login(staff_user)
    _certificate_action(client, "reissue", [replaced], post="yes", reason="Ispravljeno ime")
    new = Certificate.objects.get(replaces=replaced)

    page = _certificate_action(client, "revoke", [valid, replaced]).content.decode()
    response = _certificate_action(client, "revoke", [valid, replaced], post="yes", reason="Greška")
    english = _certificate_action(client, "reissue", [replaced], prefix="/en").content.decode()

    assert f"{replaced.code} je zamenjeno uverenjem {new.code}: opozovite {new.code}." in page
    assert [str(message) for message in response.context["messages"]] == [
        f"Uverenje {valid.code} je opozvano.",
        f"1 uverenje je ostalo nepromenjeno: {replaced.code} je zamenjeno uverenjem {new.code}: opozovite {new.code}.",
    ]
    assert f"{replaced.code} was replaced by {new.code}: re-issue {new.code} instead." in english
    assert "None of the selected certificates can be changed this way." in english
    assert Certificate.objects.get(pk=replaced.pk).status == CertificateStatus.REPLACED


def test_certificate_reissue_action_recovers_from_a_mistaken_revoke_in_english(client, staff_user, cohort):
    [certificate] = _closed_with_certificates(cohort, 1)
    certificate_revoke(certificate=certificate, reason="Greška")
    client.force_login(staff_user)

    response = _certificate_action(
        client, "reissue", [certificate], prefix="/en", post="yes", reason="Revoked by mistake."
    )

    new = Certificate.objects.valid().get(enrolment_id=certificate.enrolment_id)
    assert [str(message) for message in response.context["messages"]] == [
        f"{certificate.code} re-issued: the new certificate is {new.code}."
    ]
    assert Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.REVOKED
    assert new.note == "Revoked by mistake."


@pytest.mark.parametrize("count", [1, 3])
def test_close_cohorts_confirmation_runs_the_same_queries_for_more_cohorts(
    client, staff_user, django_assert_num_queries, count
):
    cohorts = [make_cohort(name=f"Pomoravlje {number}, osnovni nivo") for number in range(count)]
    client.force_login(staff_user)

    # session, user, the changelist's filter choices and counts (6), then the plan: the cohorts with their
    # programmes, their sessions, their enrolments with hours
    with django_assert_num_queries(11):
        response = client.post(
            reverse("admin:trainings_cohort_changelist"),
            {"action": "close_cohorts", "_selected_action": [cohort.pk for cohort in cohorts]},
        )

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("prefix", "words"),
    [("", "Zatvaranje grupe je konačno"), ("/sr", "Затварање групе је коначно"), ("/en", "Closing a cohort is final")],
)
def test_close_cohorts_confirmation_in_three_languages(client, staff_user, cohort, prefix, words):
    client.force_login(staff_user)

    response = client.post(
        f"{prefix}/admin/trainings/cohort/", {"action": "close_cohorts", "_selected_action": [cohort.pk]}
    )

    assert words in response.content.decode()


@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        ("", "Ova uverenja biće opozvana"),
        ("/sr", "Ова уверења биће опозвана"),
        ("/en", "These certificates will be revoked"),
    ],
)
def test_certificate_confirmation_in_three_languages(client, staff_user, cohort, prefix, words):
    [certificate] = _closed_with_certificates(cohort, 1)
    client.force_login(staff_user)

    response = client.post(
        f"{prefix}/admin/trainings/certificate/", {"action": "revoke", "_selected_action": [certificate.pk]}
    )

    assert words in response.content.decode()


def test_a_closed_cohorts_page_offers_no_session_to_add_or_delete(client, staff_user):
    from tests.trainings.test_models import closed_cohort

    cohort = closed_cohort()
    session = cohort.sessions.order_by("held_on").first()
    client.force_login(staff_user)

    page = client.get(reverse("admin:trainings_cohort_change", args=[cohort.pk]))
    formset = page.context["inline_admin_formsets"][0]
    assert (formset.has_add_permission, formset.has_delete_permission) == (False, False)
    delete_url = reverse("admin:trainings_session_delete", args=[session.pk])
    assert client.get(delete_url)["Location"] == reverse("admin:trainings_session_change", args=[session.pk])

    open_cohort = make_cohort(people=0, name="Šumadija, osnovni nivo")
    formset = client.get(reverse("admin:trainings_cohort_change", args=[open_cohort.pk])).context[
        "inline_admin_formsets"
    ][0]
    assert (formset.has_add_permission, formset.has_delete_permission) == (True, True)


def admin_index_models(page):
    """The model names the admin index lists, in order."""
    return re.findall(r'<th scope="row" id="[^"]+">\s*<a href="[^"]+"[^>]*>([^<]+)</a>', page)


@pytest.mark.parametrize(
    ("prefix", "user_groups", "cohorts", "sessions"),
    [
        ("", "Grupe korisnika", "Grupe", "Sesije"),
        ("/sr", "Групе корисника", "Групе", "Сесије"),
        ("/en", "Groups", "Cohorts", "Sessions"),
    ],
)
def test_admin_index_names_every_model_once(staff_client, prefix, user_groups, cohorts, sessions):
    names = admin_index_models(staff_client.get(f"{prefix}/admin/").content.decode())

    assert len(names) == len(set(names)) > 20
    assert {user_groups, cohorts, sessions} <= set(names)


@pytest.mark.parametrize(
    ("prefix", "title"),
    [("", "Pregled upitnika o potrebama"), ("/sr", "Преглед упитника о потребама"), ("/en", "Needs survey summary")],
)
def test_survey_report_calls_the_survey_as_coordinators_see_it(staff_client, prefix, title):
    page = staff_client.get(f"{prefix}/admin/trainings/surveyresponse/summary/").content.decode()

    assert f"<h1>{title}</h1>" in page


def test_attendance_sheet_ticks_save_the_sessions_hours_and_typed_hours_win(client, staff_user):
    cohort = make_cohort(sessions=2, people=2, hours=Decimal("6"))
    first, second = cohort.sessions.order_by("held_on")
    ana, bojan = cohort.enrolments.order_by("pk")
    client.force_login(staff_user)

    response = client.post(
        _sheet_url(cohort),
        {
            tick_name(first.pk, ana.pk): "on",  # ticked, nothing typed: the whole session
            tick_name(second.pk, ana.pk): "on",
            cell_name(second.pk, ana.pk): "4,5",  # ticked and typed: the typed hours
            cell_name(first.pk, bojan.pk): "2",  # typed only
        },
    )

    assert response.status_code == 302
    saved = {(a.session_id, a.enrolment_id): a.hours for a in Attendance.objects.filter(session__cohort=cohort)}
    assert saved == {
        (first.pk, ana.pk): Decimal("6.0"),
        (second.pk, ana.pk): Decimal("4.5"),
        (first.pk, bojan.pk): Decimal("2.0"),
    }


def test_attendance_sheet_untick_of_a_whole_session_clears_the_cell_without_a_script(client, staff_user):
    cohort = make_cohort(sessions=1, people=2, hours=Decimal("4"))
    session = cohort.sessions.get()
    ana, bojan = cohort.enrolments.order_by("pk")
    client.force_login(staff_user)
    client.post(_sheet_url(cohort), {tick_name(session.pk, ana.pk): "on", tick_name(session.pk, bojan.pk): "on"})
    page = client.get(_sheet_url(cohort))
    assert page.context["form"][tick_name(session.pk, ana.pk)].initial is True

    # As a browser without the script sends it: both ticks' hours still in their fields, Ana's tick off.
    response = client.post(
        _sheet_url(cohort),
        {
            cell_name(session.pk, ana.pk): "4,0",
            cell_name(session.pk, bojan.pk): "4,0",
            tick_name(session.pk, bojan.pk): "on",
        },
    )

    assert response.status_code == 302
    # A cleared cell removes its record: not recorded, as the page's help says (not 0 hours, an absence).
    assert sorted(Attendance.objects.filter(session=session).values_list("enrolment_id", "hours")) == [
        (bojan.pk, Decimal("4.0")),
    ]
    removal = Attendance.history.filter(enrolment_id=ana.pk).latest("history_id")
    assert (removal.history_type, removal.history_user) == ("-", staff_user)


def test_attendance_sheet_tells_apart_two_coordinators_of_one_name(client, staff_user):
    cohort = make_cohort(sessions=1, people=0)
    places = free_areas(2)
    for place in places:
        coordinator = CoordinatorFactory(first_name="Nemanja", last_name="Jovanović")
        AppointmentFactory(coordinator=coordinator, office=OfficeFactory(area=place))
        enrolment_create(cohort=cohort, participant=participant_for_coordinator(coordinator=coordinator))
    guest = Participant.objects.create(first_name="Nemanja", last_name="Jovanović", organisation="Savet mladih Bor")
    enrolment_create(cohort=cohort, participant=guest)
    client.force_login(staff_user)

    response = client.get(_sheet_url(cohort))

    names = [f"{e.participant} ({e.person_detail})" for e in response.context["form"].enrolments]
    assert sorted(names) == sorted(
        ["Nemanja Jovanović (Savet mladih Bor)", *(f"Nemanja Jovanović ({place.name})" for place in places)]
    )
    assert f'Nemanja Jovanović <span class="sheet-detail">({places[0].name})</span>' in response.content.decode()


@pytest.mark.parametrize("count", [1, 4])
def test_enrolment_and_attendance_lists_show_the_detail_in_fixed_queries(
    client, staff_user, django_assert_num_queries, count
):
    cohort = make_cohort(sessions=1, people=0)
    session = cohort.sessions.get()
    for _number in range(count):
        coordinator = CoordinatorFactory(first_name="Nemanja", last_name="Jovanović")
        AppointmentFactory(coordinator=coordinator, office=OfficeFactory())
        enrolment = enrolment_create(cohort=cohort, participant=participant_for_coordinator(coordinator=coordinator))
        Attendance.objects.create(session=session, enrolment=enrolment, hours=Decimal("2"))
    client.force_login(staff_user)
    places = sorted(
        f"Nemanja Jovanović ({e.participant.coordinator.appointments.get().office.area.name})"
        for e in cohort.enrolments.all()
    )

    with django_assert_num_queries(5):
        enrolments = client.get(
            reverse("admin:trainings_enrolment_changelist"), {"cohort__programme__id__exact": cohort.programme_id}
        )
    with django_assert_num_queries(5):
        attendance = client.get(
            reverse("admin:trainings_attendance_changelist"),
            {"session__cohort__programme__id__exact": cohort.programme_id},
        )

    for response in (enrolments, attendance):
        body = response.content.decode()
        assert sorted(place for place in places if place in body) == places


def test_participant_autocomplete_label_names_the_municipality(client, staff_user):
    coordinator = CoordinatorFactory(first_name="Nemanja", last_name="Jovanović")
    place = free_areas(1)[0]
    AppointmentFactory(coordinator=coordinator, office=OfficeFactory(area=place))
    participant = participant_for_coordinator(coordinator=coordinator)
    mail_only = Participant.objects.create(first_name="Nemanja", last_name="Jovanović", email="nemanja@mladi.rs")
    client.force_login(staff_user)

    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "jovanovic nemanja", "app_label": "trainings", "model_name": "enrolment", "field_name": "participant"},
    )

    assert response.status_code == 200
    ours = {str(participant.pk), str(mail_only.pk)}  # the demo data has namesakes too
    assert sorted((r["id"], r["text"]) for r in response.json()["results"] if r["id"] in ours) == sorted(
        [
            (str(participant.pk), f"Nemanja Jovanović ({place.name})"),
            (str(mail_only.pk), "Nemanja Jovanović (nemanja@mladi.rs)"),
        ]
    )


@pytest.mark.parametrize(
    "url_name", ["trainings_cohort_attendance", "trainings_surveyresponse_summary", "trainings_programme_results"]
)
def test_sheet_and_report_pages_have_the_admins_breadcrumbs(client, staff_user, cohort, url_name):
    args = [cohort.pk] if url_name == "trainings_cohort_attendance" else []
    client.force_login(staff_user)

    body = client.get(reverse(f"admin:{url_name}", args=args)).content.decode()

    # Django's admin styles its bar for <nav> › <ol class="breadcrumbs">, as on every other admin page.
    assert re.search(
        r'<nav aria-label="[^"]+">\s*<ol class="breadcrumbs">\s*<li><a href="/admin/">Početna</a></li>', body
    )
    assert '<div class="breadcrumbs">' not in body


def test_cohort_list_has_the_sheet_link_right_after_the_name(client, staff_user, cohort):
    client.force_login(staff_user)

    response = client.get(reverse("admin:trainings_cohort_changelist"))

    columns = [getattr(column, "__name__", column) for column in response.context["cl"].list_display]
    assert columns[1:3] == ["name", "sheet_link"]
    assert _sheet_url(cohort) in response.content.decode()


@pytest.mark.parametrize(
    ("prefix", "words"),
    [("", "prisustvo celoj sesiji"), ("/sr", "присуство целој сесији"), ("/en", "present for the whole session")],
)
def test_attendance_sheet_ticks_are_labelled_in_each_language(client, staff_user, cohort, prefix, words):
    client.force_login(staff_user)

    response = client.get(prefix + _sheet_url(cohort))

    assert response.status_code == 200
    assert response.content.decode().count(f": {words}</label>") == 9  # three people × three sessions


def test_a_closed_cohorts_sessions_show_their_dates_and_hours_read_only(client, staff_user):
    from tests.trainings.test_models import closed_cohort

    cohort = closed_cohort()
    session = cohort.sessions.order_by("held_on").first()
    open_cohort = make_cohort(people=0, name="Šumadija, osnovni nivo")
    client.force_login(staff_user)

    page = client.get(reverse("admin:trainings_cohort_change", args=[cohort.pk])).content.decode()
    open_page = client.get(reverse("admin:trainings_cohort_change", args=[open_cohort.pk])).content.decode()
    alone = client.get(reverse("admin:trainings_session_change", args=[session.pk])).content.decode()

    assert ('name="sessions-0-held_on"' in page, 'name="sessions-0-hours"' in page) == (False, False)
    assert 'name="sessions-0-place"' in page  # where it happened may still be corrected
    assert ('name="sessions-0-held_on"' in open_page, 'name="sessions-0-hours"' in open_page) == (True, True)
    assert ('name="held_on"' in alone, 'name="hours"' in alone, 'name="cohort"' in alone) == (False, False, False)
    assert 'name="place"' in alone


def shown_fields(response):
    """(name, read-only) of each field of an admin change page, in the order shown."""
    return [
        (field.field["name"] if field.is_readonly else field.field.name, field.is_readonly)
        for fieldset in response.context["adminform"]
        for line in fieldset
        for field in line
    ]


def test_a_sessions_page_shows_its_fields_in_one_order_read_only_in_place_once_closed(staff_client):
    from tests.trainings.test_models import closed_cohort

    closed = closed_cohort().sessions.order_by("held_on").first()
    open_session = make_cohort(people=0, name="Šumadija, osnovni nivo").sessions.order_by("held_on").first()
    order = ["cohort", "module", "title", "held_on", "hours", "place", "trainers"]

    add = staff_client.get(reverse("admin:trainings_session_add"))
    change = staff_client.get(reverse("admin:trainings_session_change", args=[open_session.pk]))
    frozen = staff_client.get(reverse("admin:trainings_session_change", args=[closed.pk]))

    assert shown_fields(add) == shown_fields(change) == [(name, False) for name in order]
    assert shown_fields(frozen) == [
        ("cohort", True), ("module", False), ("title", False), ("held_on", True),
        ("hours_shown", True), ("place", False), ("trainers", False),
    ]  # fmt: skip
    assert list(frozen.context["adminform"].form.fields) == ["module", "title", "place", "trainers"]


@pytest.mark.parametrize("prefix", ["", "/sr", "/en"])
def test_a_closed_cohorts_enrolment_is_shown_read_only(client, staff_user, prefix):
    from tests.trainings.test_models import closed_cohort

    enrolment = closed_cohort().enrolments.get()
    client.force_login(staff_user)

    page = client.get(prefix + reverse("admin:trainings_enrolment_change", args=[enrolment.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert ('name="status"' in html, 'name="cohort"' in html, 'name="participant"' in html) == (False, False, False)
    label = {"completed": ("završena obuka", "завршена обука", "completed"),
             "dropped_out": ("odustajanje", "одустајање", "dropped out")}[enrolment.status]  # fmt: skip
    assert label[["", "/sr", "/en"].index(prefix)] in html


@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        ("", "je zatvorena 01.03.2018.: o završetku obuke odlučeno je pri zatvaranju, pa se njeni upisi više ne menjaju."),
        ("/en", "was closed on 1 Mar 2018: its completions were decided when it was closed, so its enrolments no longer change."),
    ],
)  # fmt: skip
def test_moving_an_enrolment_into_a_closed_cohort_says_why_it_is_refused(client, staff_user, prefix, words):
    from tests.trainings.test_models import closed_cohort

    closed = closed_cohort()
    enrolment = make_cohort(people=1, name="Šumadija, osnovni nivo").enrolments.get()
    client.force_login(staff_user)

    response = client.post(
        prefix + reverse("admin:trainings_enrolment_change", args=[enrolment.pk]),
        {"cohort": closed.pk, "participant": enrolment.participant_id, "status": "enrolled"},
    )

    assert response.status_code == 200
    subject = {"": f"Grupa {closed} ", "/en": f"The cohort {closed} "}[prefix]
    assert [str(e) for e in response.context["adminform"].form.non_field_errors()] == [subject + words]
    assert Enrolment.objects.get(pk=enrolment.pk).cohort_id != closed.pk


@pytest.mark.parametrize(
    ("prefix", "added", "title"),
    [
        ("", "Dodato: oblast kompetencija „Omladinski rad u zajednici“.", "Dodavanje: oblast kompetencija"),
        ("/sr", "Додато: област компетенција „Омладински рад у заједници“.", "Додавање: област компетенција"),
        ("/en", "The competence area “Omladinski rad u zajednici” was added successfully.", "Add competence area"),
    ],
)
def test_admin_says_what_it_added_in_words_that_read_right(client, staff_user, prefix, added, title):
    url = prefix + reverse("admin:trainings_competencearea_add")
    client.force_login(staff_user)

    page = client.get(url)
    response = client.post(url, {"name": "Omladinski rad u zajednici", "position": "3"}, follow=True)

    assert f"<title>{title} |" in page.content.decode()
    assert [strip_tags(str(m)) for m in response.context["messages"]] == [added]  # the name links to its page


@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        ("", "svako dobija novo uverenje s novom šifrom"),
        ("/sr", "свако добија ново уверење с новом шифром"),
        ("/en", "each gets a new certificate with a new code"),
    ],
)
def test_reissue_confirmation_calls_the_code_a_sifra_as_elsewhere(client, staff_user, cohort, prefix, words):
    [certificate] = _closed_with_certificates(cohort, 1)
    certificate_revoke(certificate=certificate, reason="Greška u imenu")
    client.force_login(staff_user)

    response = client.post(
        f"{prefix}/admin/trainings/certificate/", {"action": "reissue", "_selected_action": [certificate.pk]}
    )

    assert words in response.content.decode()


def test_a_sheet_opened_before_someone_else_recorded_a_cell_neither_clears_nor_overwrites_it(
    client, staff_user, cohort
):
    first, second = cohort.sessions.order_by("held_on")[:2]
    ana, bojan = cohort.enrolments.order_by("pk")[:2]
    client.force_login(staff_user)
    page = client.get(_sheet_url(cohort)).text
    [shown] = re.findall(r'<input type="hidden" name="shown" value="([^"]*)"', page)
    # Meanwhile a colleague records two cells this page showed empty.
    attendance_sheet_save(cohort=cohort, hours={(first.pk, ana.pk): Decimal("2"), (second.pk, ana.pk): Decimal("3")})

    # The page posts every cell as it showed them (Ana's empty), with one typed: Bojan's first session.
    response = client.post(_sheet_url(cohort), {"shown": html.unescape(shown), cell_name(first.pk, bojan.pk): "3,5"})

    assert response.status_code == 302
    assert sorted(Attendance.objects.filter(session__cohort=cohort).values_list("session_id", "enrolment_id", "hours")) == sorted(
        [(first.pk, ana.pk, Decimal("2")), (second.pk, ana.pk, Decimal("3")), (first.pk, bojan.pk, Decimal("3.5"))]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        ("", "Pražnjenje polja briše njegov zapis, a vi ne možete da uklanjate prisustvo: ispražnjeno je 1 polje."),
        ("/en", "Clearing a cell removes its record, and you may not remove attendance: 1 cell was cleared."),
    ],
)
def test_staff_who_may_not_remove_attendance_cannot_clear_a_cell(client, cohort, prefix, words):
    first = cohort.sessions.order_by("held_on").first()
    ana, bojan = cohort.enrolments.order_by("pk")[:2]
    attendance_sheet_save(cohort=cohort, hours={(first.pk, ana.pk): Decimal("2")})
    user = UserFactory(username="jelena.unos", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="trainings",
            codename__in=["view_cohort", "view_attendance", "add_attendance", "change_attendance"],
        )
    )
    client.force_login(user)
    url = prefix + _sheet_url(cohort)
    page = client.get(url).text
    [shown] = re.findall(r'<input type="hidden" name="shown" value="([^"]*)"', page)

    response = client.post(url, {"shown": html.unescape(shown), cell_name(first.pk, bojan.pk): "1"})  # Ana's cleared

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [words]
    assert sorted(Attendance.objects.filter(session__cohort=cohort).values_list("enrolment_id", "hours")) == [
        (ana.pk, Decimal("2"))
    ]


def _sheet_state(cohort):
    """The cohort's attendance and its history, to compare before and after a refused post."""
    rows = sorted(Attendance.objects.filter(session__cohort=cohort).values_list("session_id", "enrolment_id", "hours"))
    return rows, Attendance.history.filter(session__cohort=cohort).count(), Attendance.history.count()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("4,5", "Najviše 4 h: koliko traje sesija."),
        ("-1", "Broj sati prisustva ne može biti negativan."),
        ("pet", "Unesite broj."),
        ("2,25", "Ne može biti više od 1 decimale."),
    ],
    ids=["above the session", "negative", "text", "two decimals"],
)
def test_attendance_sheet_refuses_bad_hours_with_a_message_and_saves_nothing(
    client, staff_user, cohort, typed, message
):
    first, second = cohort.sessions.order_by("held_on")[:2]
    ana, bojan = cohort.enrolments.order_by("pk")[:2]
    attendance_sheet_save(cohort=cohort, hours={(first.pk, ana.pk): Decimal("2")})
    client.force_login(staff_user)
    before = _sheet_state(cohort)

    response = client.post(
        _sheet_url(cohort),
        {cell_name(first.pk, ana.pk): "3", cell_name(second.pk, ana.pk): "4", cell_name(first.pk, bojan.pk): typed},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {cell_name(first.pk, bojan.pk): [message]}
    assert "Ništa nije sačuvano." in response.text
    assert _sheet_state(cohort) == before


def test_attendance_sheet_refuses_a_cell_of_another_cohort_or_a_made_up_session(client, staff_user, cohort):
    other = make_cohort(name="Banat, osnovni nivo")
    session = cohort.sessions.order_by("held_on").first()
    ana = cohort.enrolments.order_by("pk").first()
    stranger = other.enrolments.order_by("pk").first()
    elsewhere = other.sessions.order_by("held_on").first()
    client.force_login(staff_user)
    before = _sheet_state(cohort), _sheet_state(other)

    responses = [
        client.post(_sheet_url(cohort), {cell_name(session.pk, ana.pk): "3", **extra})
        for extra in (
            {cell_name(session.pk, stranger.pk): "4"},  # a participant of another cohort
            {cell_name(elsewhere.pk, ana.pk): "4"},  # a session of another cohort
            {tick_name(elsewhere.pk, stranger.pk): "on"},  # another cohort's tick
            {cell_name(999999, ana.pk): "4", cell_name("x", ana.pk): "1"},  # ids typed into the post
        )
    ]

    assert [response.status_code for response in responses] == [200, 200, 200, 200]
    assert [response.context["form"].non_field_errors() for response in responses] == [
        [
            "1 poslato polje nije na listi ove grupe (sesija ili učesnik druge grupe): ništa nije sačuvano. Otvorite listu ponovo."
        ]
    ] * 3 + [
        [
            "2 poslata polja nisu na listi ove grupe (sesija ili učesnik druge grupe): ništa nije sačuvano. Otvorite listu ponovo."
        ]
    ]
    assert (_sheet_state(cohort), _sheet_state(other)) == before


@pytest.mark.parametrize(
    ("prefix", "said"),
    [
        ("", "Za sesiju {session} ništa nije upisano: još nije održana, a prisustvo se unosi od njenog dana."),
        (
            "/en",
            "Nothing was recorded for the session {session}: it has not taken place yet, and its attendance can be "
            "recorded from its day on.",
        ),
    ],
)
def test_attendance_sheet_records_nothing_for_a_session_still_to_come_and_says_why(client, staff_user, prefix, said):
    cohort = running_cohort()
    _past, _today, coming = cohort.sessions.order_by("held_on")
    ana, bojan = cohort.enrolments.order_by("pk")[:2]
    client.force_login(staff_user)
    url = prefix + _sheet_url(cohort)
    before = _sheet_state(cohort)

    response = client.post(
        url,
        {cell_name(coming.pk, ana.pk): "4", tick_name(coming.pk, ana.pk): "on", cell_name(coming.pk, bojan.pk): "2"},
        follow=True,
    )

    assert response.redirect_chain == [(url, 302)]
    assert _sheet_state(cohort) == before
    assert [(m.level, str(m)) for m in response.context["messages"]] == [
        (messages.WARNING, said.format(session=coming))
    ]


def test_attendance_sheet_names_every_session_still_to_come_that_was_sent(client, staff_user):
    cohort = running_cohort()
    _past, _today, coming = cohort.sessions.order_by("held_on")
    later = Session.objects.create(
        cohort=cohort, module=coming.module, held_on=coming.held_on + timedelta(days=1), hours=Decimal("4")
    )
    ana = cohort.enrolments.order_by("pk").first()
    client.force_login(staff_user)

    response = client.post(
        _sheet_url(cohort),
        {cell_name(coming.pk, ana.pk): "4", tick_name(later.pk, ana.pk): "on"},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        f"Za sesije {coming}, {later} ništa nije upisano: još nisu održane, a prisustvo se unosi od njihovog dana."
    ]
    assert Attendance.objects.filter(enrolment__cohort=cohort).count() == 0


def test_attendance_sheet_post_by_a_coordinator_is_refused_and_saves_nothing(client, coordinator_a, cohort):
    session = cohort.sessions.order_by("held_on").first()
    ana = cohort.enrolments.order_by("pk").first()
    client.force_login(coordinator_a.user)
    before = _sheet_state(cohort)

    response = client.post(_sheet_url(cohort), {cell_name(session.pk, ana.pk): "4"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert _sheet_state(cohort) == before


@pytest.mark.parametrize(
    "permissions",
    [("trainings.view_cohort", "trainings.view_attendance"), ("trainings.view_cohort", "trainings.add_attendance")],
    ids=["view only", "add but not change"],
)
def test_attendance_sheet_post_by_staff_without_the_attendance_rights_is_403(client, cohort, permissions):
    session = cohort.sessions.order_by("held_on").first()
    ana = cohort.enrolments.order_by("pk").first()
    client.force_login(staff_with_permissions("jelena.unos", *permissions))
    before = _sheet_state(cohort)

    response = client.post(_sheet_url(cohort), {cell_name(session.pk, ana.pk): "4"})

    assert response.status_code == 403
    assert _sheet_state(cohort) == before


def _autocomplete(client, term, model_name, field_name):
    return client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": "trainings", "model_name": model_name, "field_name": field_name},
    )


def _namesakes(count):
    """`count` coordinators named Nemanja Jovanović, each appointed in a municipality of their own."""
    places = free_areas(count)
    people = []
    for place in places:
        coordinator = CoordinatorFactory(first_name="Nemanja", last_name="Jovanović")
        AppointmentFactory(coordinator=coordinator, office=OfficeFactory(area=place))
        people.append((participant_for_coordinator(coordinator=coordinator), place))
    return people


def test_enrolment_autocomplete_label_names_the_municipality_and_the_cohort(client, staff_user):
    cohort = make_cohort(people=0, name="Zlatibor, srednji nivo")
    (first, first_place), (second, second_place) = _namesakes(2)
    mail_only = Participant.objects.create(first_name="Nemanja", last_name="Jovanović", email="nemanja@mladi.rs")
    enrolments = [enrolment_create(cohort=cohort, participant=person) for person in (first, second, mail_only)]
    client.force_login(staff_user)

    response = _autocomplete(client, "Јовановић немања", "attendance", "enrolment")

    assert response.status_code == 200
    ours = {str(enrolment.pk) for enrolment in enrolments}
    assert sorted((r["id"], r["text"]) for r in response.json()["results"] if r["id"] in ours) == sorted(
        [
            (str(enrolments[0].pk), f"Nemanja Jovanović ({first_place.name}) – Zlatibor, srednji nivo"),
            (str(enrolments[1].pk), f"Nemanja Jovanović ({second_place.name}) – Zlatibor, srednji nivo"),
            (str(enrolments[2].pk), "Nemanja Jovanović (nemanja@mladi.rs) – Zlatibor, srednji nivo"),
        ]
    )


@pytest.mark.parametrize(
    ("model_name", "field_name"),
    [("attendance", "enrolment"), ("enrolment", "participant"), ("certificate", "enrolment")],
    ids=["enrolments", "participants", "certificate's enrolment"],
)
def test_labelled_autocompletes_run_the_same_queries_for_more_results(client, staff_user, model_name, field_name):
    def queries_for(count):
        cohort = make_cohort(people=0, name=f"Zlatibor {count}, srednji nivo")
        for participant, _place in _namesakes(count):
            enrolment_create(cohort=cohort, participant=participant)
        with CaptureQueriesContext(connection) as queries:
            response = _autocomplete(client, "jovanovic nemanja", model_name, field_name)
        return response, len(queries)

    client.force_login(staff_user)
    small, small_queries = queries_for(1)
    large, large_queries = queries_for(4)

    assert (small.status_code, large.status_code) == (200, 200)
    assert len(large.json()["results"]) >= len(small.json()["results"]) + 4
    assert large_queries == small_queries


def test_cohort_save_checks_its_session_rows_in_a_fixed_number_of_queries(client, staff_user):
    client.force_login(staff_user)

    def save_queries(sessions, name):
        cohort = make_cohort(sessions=sessions, name=name)
        session = cohort.sessions.order_by("held_on").first()
        enrolment = cohort.enrolments.order_by("pk").first()
        attendance_sheet_save(cohort=cohort, hours={(session.pk, enrolment.pk): Decimal("3")})
        url, data = _cohort_form_data(client, cohort)
        for key in [key for key in data if key.endswith("-held_on") and key.startswith("sessions-")]:
            data[key] = (date.fromisoformat(data[key]) + timedelta(days=1)).isoformat()  # every row moves a day
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, data)
        assert response.status_code == 302
        assert cohort.sessions.filter(held_on=date(2017, 10, 3)).exists()
        return [query["sql"] for query in queries]

    def checks(queries):
        """The reads of Session.clean (the stored rows, their attendance, a closed cohort), the page's
        cohort, and the cohort's stored row (its own form is unchanged: portal.history.UnchangedNotSaved
        saves it only if the row differs, as on a revert). Django's own validation of each row (its id, its
        module, a constraint) and the rows' writes still cost queries a row."""
        return [sql for sql in queries if sql.startswith("SELECT")
                and ("trainings_attendance" in sql or "trainings_cohort" in sql or ' AS "held_on"' in sql)]  # fmt: skip

    one, eight = save_queries(1, "Šumadija, osnovni nivo"), save_queries(8, "Поморавље, основни ниво")
    assert len(checks(eight)) == len(checks(one)) == 5


def test_close_cohorts_confirmed_reads_sessions_and_enrolments_only_in_each_close(client, staff_user, cohort):
    ahead = running_cohort()
    client.force_login(staff_user)
    url = reverse("admin:trainings_cohort_changelist")

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            url, {"action": "close_cohorts", "_selected_action": [cohort.pk, ahead.pk], "post": "yes"}
        )

    assert response.status_code == 302
    reads = [query["sql"] for query in queries if query["sql"].startswith("SELECT")]
    # cohort_close loads its cohort with its sessions and enrolments, under the cohort's lock; the action
    # itself reads only the selected cohorts
    assert sum('FROM "trainings_session"' in sql for sql in reads) == 2
    assert sum('FROM "trainings_enrolment"' in sql for sql in reads) == 2
    assert Cohort.objects.get(pk=cohort.pk).closed_on == TODAY
    assert Cohort.objects.get(pk=ahead.pk).closed_on is None


@pytest.mark.parametrize(("prefix", "half"), [("", "2,5"), ("/en", "2.5")])
@pytest.mark.parametrize("model", ["session", "attendance", "curriculummodule"])
def test_changelists_write_hours_as_a_person_does(client, staff_user, prefix, half, model):
    cohort = make_cohort(people=2, sessions=1)  # a module and a session of 4 h
    session = cohort.sessions.get()
    ana, bojan = cohort.enrolments.order_by("pk")
    attendance_sheet_save(
        cohort=cohort, hours={(session.pk, ana.pk): Decimal("4"), (session.pk, bojan.pk): Decimal("2.5")}
    )
    Session.objects.create(cohort=cohort, module=session.module, held_on=date(2017, 10, 9), hours=Decimal("2.5"))
    CurriculumModule.objects.create(
        area=session.module.area, level="basic", title="Učešće mladih", hours=Decimal("2.5")
    )
    client.force_login(staff_user)
    url = prefix + reverse(f"admin:trainings_{model}_changelist")

    page = client.get(url).content.decode()

    cells = re.findall(r'<td class="field-hours">([^<]*)</td>', page)  # ours among the demo's
    assert {half, "4"} <= set(cells)
    assert [cell for cell in cells if cell.endswith((",0", ".0"))] == []


@pytest.mark.parametrize(("prefix", "half"), [("", "2,5"), ("/en", "2.5")])
def test_a_closed_cohorts_read_only_session_hours_are_written_as_a_person_does(client, staff_user, prefix, half):
    cohort = make_cohort(people=0, sessions=2)  # two sessions of 4 h
    short = cohort.sessions.order_by("held_on").last()
    short.hours = Decimal("2.5")
    short.save()
    cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))
    client.force_login(staff_user)

    cohort_url = prefix + reverse("admin:trainings_cohort_change", args=[cohort.pk])
    session_url = prefix + reverse("admin:trainings_session_change", args=[short.pk])

    cohort_page = client.get(cohort_url).content.decode()
    session_page = client.get(session_url).content.decode()

    assert re.findall(r'<td class="field-hours_shown">\s*<p>([^<]*)</p>', cohort_page) == ["4", half]
    assert re.findall(r'<div class="readonly">([^<]*)</div>', session_page)[-1:] == [half]
    assert 'name="hours"' not in session_page
