"""A double click on /me/ records once: the needs survey (one response per person, version and day) and an
office change proposal (an identical pending one is not made again)."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from offices.models import OfficeChangeProposal
from offices.services import ProposalPending, office_change_propose
from tests.imports.test_services import in_own_connection
from trainings.models import Participant, SurveyResponse, SurveyVersion
from trainings.services import participant_for_coordinator, survey_response_save

pytestmark = pytest.mark.django_db


def _version():
    return SurveyVersion.objects.order_by("-published_on").first()


def _survey_post(version, rating):
    return {f"q{question.pk}": rating(question) for question in version.questions.all()}


def _messages(response):
    return [str(message) for message in response.context["messages"]]


def _todays(coordinator, version):
    return SurveyResponse.objects.filter(
        participant__coordinator=coordinator, version=version, answered_on=timezone.localdate()
    )


def test_survey_posted_twice_keeps_one_response_and_says_so(coordinator_a_client, coordinator_a):
    version, url = _version(), reverse("accounts:survey")
    data = _survey_post(version, lambda q: q.scale_max)
    before = SurveyResponse.objects.count()

    first = coordinator_a_client.post(url, data, follow=True)
    second = coordinator_a_client.post(url, data, follow=True)

    assert SurveyResponse.objects.count() == before + 1
    assert _todays(coordinator_a, version).get().answers.count() == version.questions.count()
    assert _messages(first) == ["Hvala: vaši odgovori su sačuvani."]
    assert second.status_code == 200
    assert _messages(second) == ["Ovi odgovori su danas već sačuvani: ništa nije sačuvano dvaput."]


def test_survey_answered_again_the_same_day_changes_that_days_answers(coordinator_a_client, coordinator_a):
    version, url = _version(), reverse("accounts:survey")
    coordinator_a_client.post(url, _survey_post(version, lambda q: q.scale_min), follow=True)

    again = coordinator_a_client.post(url, _survey_post(version, lambda q: q.scale_max), follow=True)

    response = _todays(coordinator_a, version).get()
    assert sorted(response.answers.values_list("question_id", "rating")) == sorted(
        (q.pk, q.scale_max) for q in version.questions.all()
    )
    assert _messages(again) == ["Hvala: vaši današnji odgovori su izmenjeni (čuva se jedan odgovor dnevno)."]
    # The page offers today's answers to change.
    assert again.context["form"].initial == {f"q{q.pk}": q.scale_max for q in version.questions.all()}
    assert "Danas ste već odgovorili" in again.text
    # The replaced answers' history names who replaced them, as the new answers' history does.
    from trainings.models import SurveyAnswer

    assert set(SurveyAnswer.history.filter(response_id=response.pk).values_list("history_type", "history_user")) == {
        ("+", coordinator_a.user.pk),
        ("-", coordinator_a.user.pk),
    }


def test_answers_a_same_day_save_replaced_stay_in_their_history(coordinator_a):
    from trainings.models import SurveyAnswer

    version = _version()
    participant = participant_for_coordinator(coordinator=coordinator_a)
    first = survey_response_save(
        participant=participant,
        version=version,
        answered_on=timezone.localdate(),
        ratings={q.pk: q.scale_min for q in version.questions.all()},
    )
    survey_response_save(
        participant=participant,
        version=version,
        answered_on=timezone.localdate(),
        ratings={q.pk: q.scale_max for q in version.questions.all()},
    )

    replaced = SurveyAnswer.history.filter(response_id=first.response.pk, history_type="-")
    assert sorted(replaced.values_list("question_id", "rating")) == sorted(
        (q.pk, q.scale_min) for q in version.questions.all()
    )


def test_survey_of_an_earlier_day_stays_when_answering_again(coordinator_a):
    version = _version()
    participant = participant_for_coordinator(coordinator=coordinator_a)
    earlier = survey_response_save(
        participant=participant,
        version=version,
        answered_on=timezone.localdate().replace(day=1),
        ratings={q.pk: q.scale_min for q in version.questions.all()},
    )

    today = survey_response_save(
        participant=participant,
        version=version,
        answered_on=timezone.localdate(),
        ratings={q.pk: q.scale_min for q in version.questions.all()},
    )

    assert (earlier.outcome, today.outcome) == ("created", "created")
    assert earlier.response.pk != today.response.pk


def test_one_survey_response_per_person_version_and_day_is_a_database_rule(coordinator_a):
    version = _version()
    participant = participant_for_coordinator(coordinator=coordinator_a)
    day = timezone.localdate()
    SurveyResponse.objects.create(participant=participant, version=version, answered_on=day)

    with pytest.raises(ValidationError) as error:
        SurveyResponse(participant=participant, version=version, answered_on=day).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(participant=participant, version=version, answered_on=day)

    assert error.value.messages == [
        "Ova osoba je tog dana već odgovorila na ovu verziju upitnika: izmenite taj odgovor."
    ]


def _change_data(client, url, **changes):
    form = client.get(url).context["form"]
    return {name: form.initial[name] or "" for name in form.fields} | changes


def test_office_change_posted_twice_makes_one_proposal_and_says_so(coordinator_a_client, office_a):
    url = reverse("accounts:office_change", args=[office_a.slug])
    data = _change_data(coordinator_a_client, url, working_hours="Radnim danima 9–17 č")

    first = coordinator_a_client.post(url, data, follow=True)
    second = coordinator_a_client.post(url, data, follow=True)

    proposal = OfficeChangeProposal.objects.get(office=office_a)
    assert proposal.values == {"working_hours": "Radnim danima 9–17 č"}
    assert _messages(first) == ["Hvala: osoblje asocijacije će pregledati vaš predlog."]
    assert second.redirect_chain == [(reverse("accounts:home"), 302)]
    date = timezone.localtime(proposal.proposed_at).strftime("%d.%m.%Y.")
    assert _messages(second) == [f"Ovu istu izmenu ste već predložili {date} i ona čeka pregled: nije poslata ponovo."]


def test_office_change_of_other_values_while_one_is_pending_is_a_new_proposal(coordinator_a, office_a):
    user = coordinator_a.user
    office_change_propose(office=office_a, user=user, values={"working_hours": "Radnim danima 9–17 č"})

    with pytest.raises(ProposalPending):
        office_change_propose(office=office_a, user=user, values={"working_hours": "Radnim danima 9–17 č"})
    office_change_propose(office=office_a, user=user, values={"working_hours": "Radnim danima 8–16 č"})

    assert sorted(p.values["working_hours"] for p in OfficeChangeProposal.objects.filter(office=office_a)) == [
        "Radnim danima 8–16 č",
        "Radnim danima 9–17 č",
    ]


# Two requests at the very same moment (two gunicorn workers): threads with their own connections,
# which commit; what they wrote is removed at the end.

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once need a server")


def _at_once(work):
    outcomes, barrier = [], threading.Barrier(2)

    def attempt():
        barrier.wait()
        outcomes.append(work())

    threads = [threading.Thread(target=in_own_connection, args=[attempt]) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@postgres_only
def test_two_surveys_at_the_same_moment_write_one_response():
    version = _version()
    ratings = {q.pk: q.scale_max for q in version.questions.all()}
    participant = in_own_connection(
        lambda: Participant.objects.create(first_name="Emina", last_name="Hodžić", organisation="Vijeće mladih Ključ")
    )

    def save():
        return survey_response_save(
            participant=participant, version=version, answered_on=timezone.localdate(), ratings=ratings
        ).outcome

    outcomes = _at_once(save)

    def written_and_clean_up():
        responses = list(SurveyResponse.objects.filter(participant=participant))
        for response in responses:
            response.answers.all().delete()
            response.delete()
        SurveyResponse.history.filter(participant_id=participant.pk).delete()
        participant.delete()
        Participant.history.filter(id=participant.pk).delete()
        return len(responses)

    assert outcomes == ["created", "unchanged"]
    assert in_own_connection(written_and_clean_up) == 1


@postgres_only
def test_two_identical_proposals_at_the_same_moment_make_one(office_a):
    user = in_own_connection(lambda: get_user_model().objects.create(username="koordinator.trka"))

    def propose():
        try:
            office_change_propose(office=office_a, user=user, values={"working_hours": "Subotom 10–14 č"})
        except ProposalPending:
            return "pending"
        return "proposed"

    outcomes = _at_once(propose)

    def written_and_clean_up():
        proposals = OfficeChangeProposal.objects.filter(proposed_by=user)
        count = proposals.count()
        OfficeChangeProposal.history.filter(proposed_by=user).delete()
        proposals.delete()
        user.delete()
        return count

    assert outcomes == ["pending", "proposed"]
    assert in_own_connection(written_and_clean_up) == 1


def test_double_submits_are_told_in_english_on_english_pages(coordinator_a_client, office_a):
    with translation.override("en"):
        survey_url = reverse("accounts:survey")
        change_url = reverse("accounts:office_change", args=[office_a.slug])
    version = _version()
    answers = _survey_post(version, lambda q: q.scale_min)
    change = _change_data(coordinator_a_client, change_url, working_hours="Weekdays 9–17")
    coordinator_a_client.post(survey_url, answers, follow=True)
    coordinator_a_client.post(change_url, change, follow=True)

    survey = coordinator_a_client.post(survey_url, answers, follow=True)
    proposal = coordinator_a_client.post(change_url, change, follow=True)

    assert _messages(survey) == ["These answers were already saved today: nothing was saved twice."]
    proposed = timezone.localtime(OfficeChangeProposal.objects.get(office=office_a).proposed_at)
    day = f"{proposed.day} {proposed:%b %Y}"  # "15 Jun 2026"
    assert _messages(proposal) == [
        f"You already proposed exactly this change on {day} and it is waiting for review: it was not sent again."
    ]


@pytest.mark.parametrize(
    ("prefix", "said"),
    [
        ("", "Hvala: vaši današnji odgovori su izmenjeni (čuva se jedan odgovor dnevno)."),
        ("/en", "Thank you: today's answers were updated (one response a day is kept)."),
    ],
)
def test_survey_answered_again_says_so_in_natural_words(coordinator_a_client, prefix, said):
    version, url = _version(), prefix + reverse("accounts:survey")
    coordinator_a_client.post(url, _survey_post(version, lambda q: q.scale_min), follow=True)

    again = coordinator_a_client.post(url, _survey_post(version, lambda q: q.scale_max), follow=True)

    assert _messages(again) == [said]


FILLED_IN = {
    "": "Danas ste već odgovorili: vaši odgovori su popunjeni, a novo čuvanje menja današnje odgovore.",
    "/en": "You answered today: your answers are filled in, and saving again changes today's answers.",
}
REPLACES = {
    "": "Danas ste već odgovorili: čuvanjem ovih odgovora menjate današnje.",
    "/en": "You answered today: saving these answers replaces today's.",
}


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_survey_partly_filled_after_todays_answers_does_not_say_they_are_filled_in(coordinator_a_client, prefix):
    version, url = _version(), prefix + reverse("accounts:survey")
    coordinator_a_client.post(url, _survey_post(version, lambda q: q.scale_min), follow=True)
    partial = _survey_post(version, lambda q: q.scale_max)
    del partial[next(iter(partial))]

    shown = coordinator_a_client.get(url)
    refused = coordinator_a_client.post(url, partial)

    assert FILLED_IN[prefix] in shown.text and REPLACES[prefix] not in shown.text
    assert refused.status_code == 200 and refused.context["form"].errors
    assert FILLED_IN[prefix] not in refused.text
    assert REPLACES[prefix] in refused.text
