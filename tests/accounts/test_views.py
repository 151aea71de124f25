import html
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from offices.models import Office, OfficeChangeProposal, ProposalStatus
from offices.services import office_change_propose
from tests.conftest import set_language
from tests.factories import AppointmentFactory
from trainings.models import Participant, SurveyAnswer, SurveyResponse, SurveyVersion
from trainings.services import certificate_revoke, cohort_close, participant_for_coordinator, survey_response_save

from .conftest import training_of

pytestmark = pytest.mark.django_db

PAGES = ["accounts:home", "accounts:history", "accounts:survey"]


@pytest.mark.parametrize("name", PAGES)
def test_page_sends_anonymous_to_sign_in(anonymous, name):
    response = anonymous.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse(name)}"


@pytest.mark.parametrize("name", PAGES)
def test_page_for_staff_without_coordinator_record_says_so(staff_client, name):
    response = staff_client.get(reverse(name))

    assert response.status_code == 200
    assert "nije povezan sa zapisom koordinatora" in response.text
    assert response["Cache-Control"] == "private"


def test_home_shows_current_office_past_appointments_and_upcoming_sessions(
    coordinator_a_client, coordinator_a, office_a
):
    mine = training_of(coordinator_a, name="Mladi u zajednici", starts_on=date(2026, 6, 10), sessions=3)

    response = coordinator_a_client.get(reverse("accounts:home"))

    assert response.status_code == 200
    assert [a.office for a in response.context["current_appointments"]] == [office_a]
    assert response.context["past_appointments"] == [
        a for a in coordinator_a.appointments.order_by("-started_on", "pk") if not a.is_current()
    ]
    upcoming = response.context["upcoming_sessions"]
    assert [s.held_on for s in upcoming if s.cohort_id == mine.cohort_id] == [date(2026, 6, 17), date(2026, 6, 24)]
    # and the demo's running programme, in which the Šabac coordinator is enrolled
    assert [s.held_on for s in upcoming if s.cohort_id != mine.cohort_id] == [
        date(2026, 6, 25),
        date(2026, 7, 15),
        date(2026, 8, 14),
    ]
    assert reverse("accounts:office_change", args=[office_a.slug]) in response.text


def test_home_shows_no_sessions_of_other_coordinators(coordinator_a_client, coordinator_a, coordinator_b):
    theirs = training_of(coordinator_b, name="Mladi u zajednici", starts_on=date(2026, 6, 10), sessions=3)

    response = coordinator_a_client.get(reverse("accounts:home"))

    upcoming = response.context["upcoming_sessions"]
    assert [s for s in upcoming if s.cohort_id == theirs.cohort_id] == []
    mine = set(coordinator_a.participant.enrolments.values_list("cohort_id", flat=True))
    assert {s.cohort_id for s in upcoming} <= mine


def test_home_in_cyrillic_and_english(coordinator_a_client, office_a):
    set_language(coordinator_a_client, "sr")
    cyrillic = coordinator_a_client.get(reverse("accounts:home"))
    set_language(coordinator_a_client, "en")
    english = coordinator_a_client.get(reverse("accounts:home"))

    assert cyrillic.status_code == english.status_code == 200
    assert "Моја канцеларија" in cyrillic.text
    assert "My office" in english.text
    assert 'href="/en/me/offices/' in english.text


def test_history_shows_programmes_sessions_hours_and_certificates(coordinator_a_client, coordinator_a, coordinator_b):
    mine = training_of(coordinator_a, name="Mladi u zajednici", starts_on=date(2025, 3, 1), sessions=2)
    cohort_close(cohort=mine.cohort, closed_on=date(2026, 1, 10))
    certificate = mine.certificates.get()
    theirs = training_of(coordinator_b, name="Tuđi program", starts_on=date(2025, 4, 1))

    response = coordinator_a_client.get(reverse("accounts:history"))

    assert response.status_code == 200
    enrolments = response.context["enrolments"]
    [row] = [e for e in enrolments if e.pk == mine.pk]
    assert row.hours_attended == Decimal("5.0")
    assert row.cohort_hours == Decimal("6.0")
    assert certificate.code in response.text
    assert "Mladi u zajednici" in response.text
    assert "Đorđe Ilić" in response.text
    assert theirs.cohort.programme.name not in response.text
    assert {e.participant.coordinator_id for e in enrolments} == {coordinator_a.pk}


def test_history_shows_a_revoked_certificate_as_revoked(coordinator_a_client, coordinator_a):
    enrolment = training_of(coordinator_a, starts_on=date(2025, 3, 1))
    cohort_close(cohort=enrolment.cohort, closed_on=date(2026, 1, 10))
    certificate_revoke(certificate=enrolment.certificates.get(), reason="Greška u evidenciji")

    response = coordinator_a_client.get(reverse("accounts:history"))

    assert "opozvan" in response.text


@pytest.mark.parametrize("count", [1, 4])
def test_history_queries_do_not_grow_with_the_history(
    coordinator_a_client, coordinator_a, django_assert_num_queries, count
):
    for number in range(count):
        enrolment = training_of(
            coordinator_a, name=f"Program {number}", starts_on=date(2024, 1 + number, 1), sessions=1 + number
        )
        cohort_close(cohort=enrolment.cohort, closed_on=date(2026, 1, 10))

    # session, user, coordinator, participant, then the history's three
    with django_assert_num_queries(7):
        response = coordinator_a_client.get(reverse("accounts:history"))

    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 4])
def test_home_queries_do_not_grow(coordinator_a_client, coordinator_a, django_assert_num_queries, count):
    for number in range(count):
        training_of(coordinator_a, name=f"Program {number}", starts_on=date(2026, 6, 1 + number), sessions=1 + number)

    # session, user, coordinator, then appointments, sessions, proposals
    with django_assert_num_queries(6):
        response = coordinator_a_client.get(reverse("accounts:home"))

    assert response.status_code == 200


def _survey_post(version, rating):
    return {f"q{question.pk}": rating(question) for question in version.questions.all()}


def test_survey_saves_the_answers_and_shows_the_suggested_level(coordinator_a_client, coordinator_a):
    version = SurveyVersion.objects.order_by("-published_on").first()
    before = SurveyResponse.objects.filter(participant__coordinator=coordinator_a).count()

    response = coordinator_a_client.post(reverse("accounts:survey"), _survey_post(version, lambda q: q.scale_max))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:survey")
    saved = SurveyResponse.objects.filter(participant__coordinator=coordinator_a).order_by("-pk").first()
    assert SurveyResponse.objects.filter(participant__coordinator=coordinator_a).count() == before + 1
    assert saved.answers.count() == version.questions.count()
    page = coordinator_a_client.get(reverse("accounts:survey"))
    assert page.context["responses"][0].pk == saved.pk
    assert "napredni" in page.text


@pytest.mark.parametrize("bad", ["9", "", "pet"])
def test_survey_refuses_a_rating_outside_the_scale_and_saves_nothing(coordinator_a_client, coordinator_a, bad):
    version = SurveyVersion.objects.order_by("-published_on").first()
    data = _survey_post(version, lambda q: q.scale_min)
    first = version.questions.order_by("position", "pk").first()
    data[f"q{first.pk}"] = bad
    before = SurveyResponse.objects.count()

    response = coordinator_a_client.post(reverse("accounts:survey"), data)

    assert response.status_code == 200
    assert SurveyResponse.objects.count() == before
    assert response.context["form"].errors == {
        f"q{first.pk}": [f"Unesite ocenu od {first.scale_min} do {first.scale_max}."]
    }


def test_survey_of_a_new_participant_creates_their_training_identity(client, coordinator_b):
    Participant.objects.filter(coordinator=coordinator_b).exists()  # the demo may have trained them already
    client.force_login(coordinator_b.user)
    version = SurveyVersion.objects.order_by("-published_on").first()

    response = client.post(reverse("accounts:survey"), _survey_post(version, lambda q: q.scale_min))

    assert response.status_code == 302
    assert SurveyResponse.objects.filter(participant__coordinator=coordinator_b, version=version).exists()


def test_office_change_is_recorded_as_pending_and_the_office_is_unchanged(
    coordinator_a_client, coordinator_a, office_a
):
    url = reverse("accounts:office_change", args=[office_a.slug])
    form = coordinator_a_client.get(url).context["form"]
    data = {name: form.initial[name] or "" for name in form.fields}
    data["working_hours"] = "Radnim danima 9–17 č"
    data["address"] = "Karađorđeva 5"

    response = coordinator_a_client.post(url, data)

    assert response.status_code == 302
    proposal = OfficeChangeProposal.objects.get(office=office_a)
    assert proposal.status == ProposalStatus.PENDING
    assert proposal.proposed_by == coordinator_a.user
    assert proposal.values == {"address": "Karađorđeva 5", "working_hours": "Radnim danima 9–17 č"}
    office_a.refresh_from_db()
    assert office_a.address != "Karađorđeva 5"


def test_office_change_refuses_bad_input_and_saves_nothing(coordinator_a_client, office_a):
    url = reverse("accounts:office_change", args=[office_a.slug])

    bad = coordinator_a_client.post(url, {"address": "Ulica\x07 1", "website": "nije adresa"})

    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"address", "website"}
    assert OfficeChangeProposal.objects.count() == 0


def test_office_change_with_nothing_changed_says_so(coordinator_a_client, office_a):
    url = reverse("accounts:office_change", args=[office_a.slug])
    form = coordinator_a_client.get(url).context["form"]

    response = coordinator_a_client.post(url, {name: form.initial[name] or "" for name in form.fields})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Ništa nije promenjeno: predlog ne menja nijedan podatak kancelarije."
    ]
    assert OfficeChangeProposal.objects.count() == 0


def test_office_change_of_another_coordinators_office_is_404(coordinator_a_client, office_b):
    assert coordinator_a_client.get(reverse("accounts:office_change", args=[office_b.slug])).status_code == 404
    assert coordinator_a_client.post(reverse("accounts:office_change", args=[office_b.slug]), {}).status_code == 404


def test_office_change_for_staff_is_404(staff_client, office_a):
    assert staff_client.get(reverse("accounts:office_change", args=[office_a.slug])).status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_survey_queries_do_not_grow_with_earlier_answers(
    coordinator_a_client, coordinator_a, django_assert_num_queries, count
):
    version = SurveyVersion.objects.order_by("-published_on").first()
    participant = participant_for_coordinator(coordinator=coordinator_a)
    for number in range(count):
        survey_response_save(
            participant=participant,
            version=version,
            answered_on=date(2025, 1 + number, 1),
            ratings={q.pk: q.scale_min + number % 2 for q in version.questions.all()},
        )

    # session, user, coordinator, version, questions, participant, responses, answers
    with django_assert_num_queries(8):
        response = coordinator_a_client.get(reverse("accounts:survey"))

    assert response.status_code == 200
    assert len(response.context["responses"]) >= count


@pytest.mark.parametrize("name", PAGES)
def test_pages_have_no_inline_script_or_style(coordinator_a_client, coordinator_a, name):
    training_of(coordinator_a, starts_on=date(2026, 6, 1), sessions=4)

    response = coordinator_a_client.get(reverse(name))

    assert "style=" not in response.text
    assert response.text.count("<script") == response.text.count("<script src=")


def test_navbar_links_to_my_page_when_signed_in(coordinator_a_client, anonymous):
    signed_in = coordinator_a_client.get("/")
    coordinator_a_client.logout()
    signed_out = coordinator_a_client.get("/")

    assert f'href="{reverse("accounts:home")}" title="Moja stranica"' in signed_in.text
    assert 'title="Moja stranica"' not in signed_out.text


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("sr-latn", ["<dt class=\"col-sm-4\">Uverenje</dt>", "2 sesije sa prisustvom", "10. januara 2026.",
                     "1. marta 2025."]),
        ("sr", ["<dt class=\"col-sm-4\">Уверење</dt>", "2 сесије са присуством", "10. јануара 2026.",
                "1. марта 2025."]),
        ("en", ["<dt class=\"col-sm-4\">Certificate</dt>", "2 sessions attended", "10 January 2026", "1 March 2025"]),
    ],
)  # fmt: skip
def test_history_words_are_the_programmes_own_in_each_language(coordinator_a_client, coordinator_a, language, words):
    enrolment = training_of(coordinator_a, starts_on=date(2025, 3, 1), sessions=2)
    cohort_close(cohort=enrolment.cohort, closed_on=date(2026, 1, 10))
    set_language(coordinator_a_client, language)

    page = coordinator_a_client.get(reverse("accounts:history")).text

    assert [word in page for word in words] == [True] * len(words)


@pytest.mark.parametrize(
    ("language", "heading"),
    [("sr-latn", "Moje predstojeće sesije"), ("sr", "Моје предстојеће сесије"), ("en", "My upcoming sessions")],
)
def test_home_calls_sessions_as_the_admin_does(coordinator_a_client, language, heading):
    set_language(coordinator_a_client, language)

    assert f'<h2 class="h4" id="upcoming">{heading}</h2>' in coordinator_a_client.get(reverse("accounts:home")).text


@pytest.mark.parametrize("prefix", ["", "/sr", "/en"])
def test_sign_in_takes_a_coordinator_to_their_area(client, coordinator_a, prefix):
    coordinator_a.user.set_password("x")
    coordinator_a.user.save()

    response = client.post(f"{prefix}/accounts/login/", {"username": coordinator_a.user.username, "password": "x"})

    assert response.status_code == 302
    assert response["Location"] == f"{prefix}/me/"


@pytest.mark.parametrize("prefix", ["", "/sr", "/en"])
def test_sign_in_takes_staff_to_the_admin(client, staff_user, prefix):
    response = client.post(f"{prefix}/accounts/login/", {"username": staff_user.username, "password": "x"})

    assert response.status_code == 302
    assert response["Location"] == f"{prefix}/admin/"


def test_sign_in_follows_next_for_staff_too(client, staff_user):
    response = client.post("/accounts/login/?next=/me/trainings/", {"username": staff_user.username, "password": "x"})

    assert response["Location"] == "/me/trainings/"


@pytest.mark.parametrize(
    ("language", "since", "hours"),
    [
        ("sr-latn", "Koordinatorska funkcija od", "Sati prisustva"),
        ("sr", "Координаторска функција од", "Сати присуства"),
        ("en", "Coordinator since", "Hours attended"),
    ],
)
def test_home_and_history_word_the_appointment_and_the_hours_without_gender(
    coordinator_a_client, coordinator_a, language, since, hours
):
    training_of(coordinator_a, name="Mladi u zajednici", starts_on=date(2025, 3, 1), sessions=2)
    set_language(coordinator_a_client, language)

    home = coordinator_a_client.get(reverse("accounts:home")).text
    history = coordinator_a_client.get(reverse("accounts:history")).text

    assert since in home
    assert hours in history


def test_office_change_proposes_only_what_the_coordinator_changed_not_what_staff_changed_meanwhile(
    coordinator_a_client, office_a
):
    url = reverse("accounts:office_change", args=[office_a.slug])
    page = coordinator_a_client.get(url).text
    shown = dict(re.findall(r'<input type="hidden" name="(initial-[a-z_]+)" value="([^"]*)"', page))
    form = coordinator_a_client.get(url).context["form"]
    data = {name: form.initial[name] or "" for name in form.fields} | shown
    staff_address = "Gospodar Jevremova 12"  # staff correct the address while the coordinator types
    Office.objects.filter(pk=office_a.pk).update(address=staff_address)
    data["working_hours"] = "Radnim danima 8–16 č"  # the only field the coordinator changed

    response = coordinator_a_client.post(url, data)

    assert response.status_code == 302
    proposal = OfficeChangeProposal.objects.get(office=office_a)
    assert proposal.values == {"working_hours": "Radnim danima 8–16 č"}
    assert proposal.original == {"working_hours": html.unescape(shown["initial-working_hours"])}
    office_a.refresh_from_db()
    assert office_a.address == staff_address


@pytest.mark.parametrize(
    ("prefix", "login"), [("", "/accounts/login/"), ("/sr", "/sr/accounts/login/"), ("/en", "/en/accounts/login/")]
)
def test_office_change_sends_anonymous_to_sign_in_in_the_pages_language(anonymous, office_a, prefix, login):
    url = f"{prefix}/me/offices/{office_a.slug}/change/"

    for response in (anonymous.get(url), anonymous.post(url, {"address": "Karađorđeva 5"})):
        assert response.status_code == 302
        assert response["Location"] == f"{login}?next={url}"
    assert OfficeChangeProposal.objects.count() == 0


def test_office_change_of_coordinator_a_is_404_to_coordinator_b_and_records_nothing(
    coordinator_b_client, coordinator_a, office_a
):
    url = reverse("accounts:office_change", args=[office_a.slug])
    form_data = {"address": "Karađorđeva 5", "working_hours": "Radnim danima 9–17"}
    address = office_a.address

    page = coordinator_b_client.get(url)
    posted = coordinator_b_client.post(url, form_data)

    assert (page.status_code, posted.status_code) == (404, 404)
    assert office_a.address not in page.text
    assert OfficeChangeProposal.objects.count() == 0
    office_a.refresh_from_db()
    assert office_a.address == address


@pytest.mark.parametrize("count", [1, 5])
def test_office_change_queries_do_not_grow_with_the_offices_appointments_and_proposals(
    coordinator_a_client, coordinator_a, office_a, django_assert_num_queries, count
):
    for number in range(count):
        AppointmentFactory(office=office_a, started_on=date(2010 + number, 1, 1), ended_on=date(2010 + number, 12, 31))
        AppointmentFactory(
            coordinator=coordinator_a, started_on=date(2010 + number, 1, 1), ended_on=date(2010 + number, 12, 31)
        )
        office_change_propose(
            office=office_a, user=coordinator_a.user, values={"working_hours": f"Pon–pet {number}–17"}
        )
    url = reverse("accounts:office_change", args=[office_a.slug])

    # session, user, coordinator, office (among the current appointments)
    with django_assert_num_queries(4):
        response = coordinator_a_client.get(url)

    assert response.status_code == 200
    assert response.context["office"] == office_a


def _catalogue(msgid, language, **values):
    with translation.override(language):
        return gettext(msgid) % values if values else gettext(msgid)


@pytest.mark.parametrize("language", ["sr", "en"])
def test_survey_renders_in_the_pages_language(coordinator_a_client, coordinator_a, language):
    heading = _catalogue("Needs survey", language)
    button = _catalogue("Save my answers", language)
    assert heading != "Potrebe za obukom" and heading != _catalogue("Needs survey", "sr-latn")  # really translated

    response = coordinator_a_client.get(f"/{language}/me/survey/")

    assert response.status_code == 200
    assert f'<h1 class="h2">{heading}</h1>' in response.text
    assert button in response.text
    assert f'<html lang="{"sr-Cyrl" if language == "sr" else "en"}"' in response.text


def _another_version():
    version = SurveyVersion.objects.create(title="Старија анкета о потребама", published_on=date(2015, 3, 1))
    area = SurveyVersion.objects.order_by("-published_on").first().questions.first().area
    return [
        version.questions.create(area=area, text="Колико познајете локални акциони план?", position=1),
        version.questions.create(area=area, text="Колико познајете омладинску политику?", position=2),
    ]


@pytest.mark.parametrize("language", ["sr", "en"])
@pytest.mark.parametrize("bad", ["outside", "missing", "nothing", "other_version"])
def test_survey_refuses_bad_answers_in_the_pages_language_and_saves_nothing(
    coordinator_a_client, coordinator_a, language, bad
):
    version = SurveyVersion.objects.order_by("-published_on").first()
    questions = list(version.questions.order_by("position", "pk"))
    first = questions[0]
    data = _survey_post(version, lambda q: q.scale_min)
    if bad == "outside":
        data[f"q{first.pk}"] = str(first.scale_max + 1)
    elif bad == "missing":
        del data[f"q{first.pk}"]
    elif bad == "nothing":
        data = {}
    else:  # a page of another version: its questions answered, none of this one's
        data = {f"q{question.pk}": "3" for question in _another_version()}
    unanswered = [first] if bad in ("outside", "missing") else questions
    before = (SurveyResponse.objects.count(), SurveyAnswer.objects.count())

    response = coordinator_a_client.post(f"/{language}/me/survey/", data)

    assert response.status_code == 200
    assert (SurveyResponse.objects.count(), SurveyAnswer.objects.count()) == before
    assert response.context["form"].errors == {
        f"q{q.pk}": [_catalogue("Give a rating from %(min)s to %(max)s.", language, min=q.scale_min, max=q.scale_max)]
        for q in unanswered
    }
    banner = _catalogue(
        "Some answers are missing or outside their scale: nothing was saved. See the marked questions.", language
    )
    assert html.escape(banner) in response.text or banner in response.text


def test_office_change_post_without_the_pages_fields_proposes_no_clearing(coordinator_a_client, office_a):
    url = reverse("accounts:office_change", args=[office_a.slug])

    response = coordinator_a_client.post(url, {})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Ništa nije promenjeno: predlog ne menja nijedan podatak kancelarije."
    ]
    assert OfficeChangeProposal.objects.count() == 0


@pytest.mark.parametrize(
    ("language", "attended", "row", "upcoming"),
    [
        ("sr-latn", "5 od 9", "2,5 / 3", "Sati: 3"),
        ("en", "5 of 9", "2.5 / 3", "Hours: 3"),
    ],
)
def test_home_and_history_write_hours_as_a_person_does(
    coordinator_a_client, coordinator_a, language, attended, row, upcoming
):
    # Three sessions of 3 hours, 2,5 attended at each of the two held by today: whole hours without ",0", halves with one.
    training_of(coordinator_a, name="Mladi u zajednici", starts_on=date(2026, 6, 8), sessions=3)
    set_language(coordinator_a_client, language)

    history = coordinator_a_client.get(reverse("accounts:history")).text
    home = coordinator_a_client.get(reverse("accounts:home")).text

    start = history.index("Mladi u zajednici")
    section = history[start : history.index("</section>", start)]
    assert re.search(r"<dd[^>]*>([^<]*)</dd>", section[section.index("</span></dd>") :]).group(1) == attended
    assert re.findall(r'<td class="text-end">([^<]*)</td>', section) == [row, row]
    assert f"Kragujevac · {upcoming}</span>" in home
    assert ",0 " not in section and ".0 " not in section
