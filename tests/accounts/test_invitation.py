import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import translation

from offices.models import Coordinator
from tests.factories import AppointmentFactory, CoordinatorFactory

pytestmark = pytest.mark.django_db


def _invite(client, people, prefix=""):
    with translation.override("sr-latn"):  # the unprefixed path, whatever the last request's language
        url = prefix + reverse("admin:offices_coordinator_changelist")
    return client.post(
        url,
        {"action": "invite", admin.helpers.ACTION_CHECKBOX_NAME: [person.pk for person in people]},
        follow=True,
    )


def test_invitation_flow_sets_a_password_once_and_signs_in(client, staff_user):
    person = CoordinatorFactory(first_name="Milica", last_name="Đurić", email="Milica.Djuric@example.org")
    AppointmentFactory(coordinator=person)
    client.force_login(staff_user)

    _invite(client, [person])

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Milica.Djuric@example.org"]
    assert message.subject == "Vaš nalog na KZM portalu"
    assert "Dobar dan, Milica Đurić," in message.body
    person.refresh_from_db()
    account = person.user
    assert account.username == "milica.djuric@example.org"
    assert account.has_usable_password() is False
    link = re.search(r"http://testserver(/me/welcome/\S+/)", message.body).group(1)

    client.logout()
    opened = client.get(link, follow=True)
    form_url = opened.redirect_chain[-1][0]
    done = client.post(
        form_url, {"new_password1": "Zeleni-Bagrem-42", "new_password2": "Zeleni-Bagrem-42"}, follow=True
    )

    assert opened.context["validlink"] is True
    assert done.redirect_chain[-1][0] == reverse("accounts:home")
    assert done.context["user"] == account
    assert done.context["coordinator"] == person
    client.logout()
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False
    assert "Ova veza ne važi" in again.text


@pytest.mark.parametrize("prefix", ["", "/sr", "/en"])
def test_invitation_is_in_the_sites_language_whatever_the_admins(client, staff_user, prefix):
    person = CoordinatorFactory(first_name="Ana", last_name="Petrović", email="ana.petrovic@example.org")
    client.force_login(staff_user)

    response = _invite(client, [person], prefix=prefix)

    assert mail.outbox[0].subject == "Vaš nalog na KZM portalu"
    assert mail.outbox[0].body.startswith("Dobar dan, Ana Petrović,")
    assert re.search(r"http://testserver/me/welcome/[^/]+/[^/]+/\n", mail.outbox[0].body)
    assert response.context["messages"]  # the message to staff is in the admin's language
    assert response.context["LANGUAGE_CODE"] == {"": "sr-latn", "/sr": "sr", "/en": "en"}[prefix]


def test_reinviting_someone_who_signs_in_says_they_got_a_new_password_link(client, staff_user):
    signs_in = CoordinatorFactory(first_name="Milica", last_name="Babić", email="milica.babic@example.org")
    signs_in.user = get_user_model().objects.create_user(username="milica.babic", password="lozinka-2026")
    signs_in.save()
    new = CoordinatorFactory(first_name="Jovana", last_name="Lazić", email="jovana.lazic@example.org")
    client.force_login(staff_user)

    response = _invite(client, [signs_in, new])

    assert [str(m) for m in response.context["messages"]] == [
        "Pozvana su 2 koordinatora: Milica Babić, Jovana Lazić. Od njih je veza za postavljanje nove lozinke "
        "poslata za 1 (nalog već postoji): Milica Babić."
    ]
    assert len(mail.outbox) == 2


def test_invitation_reports_coordinators_without_e_mail(client, staff_user):
    with_email = CoordinatorFactory(first_name="Jovana", last_name="Lazić", email="jovana.lazic@example.org")
    without = CoordinatorFactory(first_name="Stefan", last_name="Savić", email="")
    client.force_login(staff_user)

    response = _invite(client, [with_email, without])

    assert [m.to for m in mail.outbox] == [["jovana.lazic@example.org"]]
    texts = [str(m) for m in response.context["messages"]]
    assert texts == ["Pozvan je 1 koordinator: Jovana Lazić.", "Nisu pozvani: Stefan Savić nema adresu e-pošte."]
    assert Coordinator.objects.get(pk=without.pk).user is None


def test_invitation_reuses_a_linked_account_and_a_taken_username(client, staff_user):
    get_user_model().objects.create(username="vuk.tomic@example.org")
    person = CoordinatorFactory(email="vuk.tomic@example.org")
    client.force_login(staff_user)

    _invite(client, [person])
    _invite(client, [person])

    person.refresh_from_db()
    assert person.user.username == "vuk.tomic@example.org-2"
    assert len(mail.outbox) == 2
    assert get_user_model().objects.filter(username__startswith="vuk.tomic").count() == 2


@pytest.mark.parametrize(
    ("prefix", "second"),
    [
        (
            "",
            "Pozvan je 1 koordinator: Dragana Ćirić. Od njih je poziv ponovo poslat za 1 (lozinka još nije "
            "postavljena): Dragana Ćirić.",
        ),
        (
            "/en",
            "Invited 1 coordinator: Dragana Ćirić. Of them, 1 had no password yet and got the invitation again: "
            "Dragana Ćirić.",
        ),
    ],
)
def test_reinviting_someone_whose_invitation_is_pending_says_it_was_sent_again(client, staff_user, prefix, second):
    person = CoordinatorFactory(first_name="Dragana", last_name="Ćirić", email="dragana.ciric@example.org")
    client.force_login(staff_user)

    first = _invite(client, [person], prefix=prefix)
    again = _invite(client, [person], prefix=prefix)

    assert [str(m) for m in first.context["messages"]] == [
        {"": "Pozvan je 1 koordinator: Dragana Ćirić.", "/en": "Invited 1 coordinator: Dragana Ćirić."}[prefix]
    ]
    assert [str(m) for m in again.context["messages"]] == [second]
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        ("", "Lozinka je previše slična podatku „korisničko ime“."),
        ("/sr", "Лозинка је превише слична податку „корисничко име“."),
        ("/en", "The password is too similar to the username."),
    ],
)
def test_a_password_like_the_username_is_refused_in_words_that_read_right(client, staff_user, prefix, words):
    person = CoordinatorFactory(first_name="Vesna", last_name="Đokić", email="vesna.djokic@example.org")
    client.force_login(staff_user)
    _invite(client, [person])
    link = re.search(r"http://testserver(/me/welcome/\S+/)", mail.outbox[0].body).group(1)
    client.logout()

    form_url = client.get(prefix + link, follow=True).redirect_chain[-1][0]
    refused = client.post(form_url, {"new_password1": "vesna.djokic@example", "new_password2": "vesna.djokic@example"})

    assert refused.status_code == 200
    assert refused.context["form"].errors["new_password2"] == [words]


def test_inviting_an_anonymised_coordinator_is_refused_in_words_without_gender(client, staff_user):
    from offices.services import coordinator_anonymise

    person = CoordinatorFactory(first_name="Jelena", last_name="Marić", email="jelena.maric@example.org")
    coordinator_anonymise(coordinator=person, user=staff_user)
    person.refresh_from_db()
    client.force_login(staff_user)

    response = _invite(client, [person])

    assert [str(m) for m in response.context["messages"]] == [
        f"Nisu pozvani: Podaci osobe {person.full_name} su anonimizovani."
    ]
    assert mail.outbox == []


def test_an_e_mail_that_fails_for_one_person_is_reported_and_the_others_are_invited(client, staff_user, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.accounts.failing_mail.RefusingEmailBackend"}}
    first = CoordinatorFactory(first_name="Ana", last_name="Antić", email="ana.antic@example.org")
    second = CoordinatorFactory(first_name="Bojan", last_name="Babić", email="bojan.babic@example.org")
    refused = CoordinatorFactory(first_name="Đorđe", last_name="Žikić", email="odbijena.adresa@example.org")
    client.force_login(staff_user)

    response = _invite(client, [first, second, refused])

    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["ana.antic@example.org"], ["bojan.babic@example.org"]]
    assert [str(m) for m in response.context["messages"]] == [
        "Pozvana su 2 koordinatora: Ana Antić, Bojan Babić.",
        "Nisu pozvani: Poziv nije poslat: Đorđe Žikić (odbijena.adresa@example.org) – server e-pošte ga je odbio "
        "ili nije dostupan. Za ovu osobu ništa nije promenjeno; pošaljite poziv ponovo kasnije.",
    ]
    # The invitations sent stand; the one not sent left nothing that looks sent (no account waiting for it).
    assert Coordinator.objects.get(pk=first.pk).user is not None
    assert Coordinator.objects.get(pk=refused.pk).user is None
    assert not get_user_model().objects.filter(email="odbijena.adresa@example.org").exists()


def test_an_invitation_whose_e_mail_failed_is_a_first_invitation_when_sent_later(client, staff_user, settings):
    person = CoordinatorFactory(first_name="Đorđe", last_name="Žikić", email="odbijena.adresa@example.org")
    client.force_login(staff_user)
    settings.MAILERS = {"default": {"BACKEND": "tests.accounts.failing_mail.RefusingEmailBackend"}}
    _invite(client, [person])
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

    response = _invite(client, [person], prefix="/en")

    assert [str(m) for m in response.context["messages"]] == ["Invited 1 coordinator: Đorđe Žikić."]
    assert [m.to for m in mail.outbox] == [["odbijena.adresa@example.org"]]


def test_an_unreachable_mail_server_is_reported_in_english_too(client, staff_user, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2}}}  # fmt: skip
    person = CoordinatorFactory(first_name="Ana", last_name="Antić", email="ana.antic@example.org")
    client.force_login(staff_user)

    response = _invite(client, [person], prefix="/en")

    assert [str(m) for m in response.context["messages"]] == [
        "Not invited: The e-mail to Ana Antić (ana.antic@example.org) could not be sent: the mail server refused it "
        "or could not be reached. Nothing was changed for this person; invite them again later."
    ]
    assert Coordinator.objects.get(pk=person.pk).user is None


@pytest.mark.parametrize(
    ("prefix", "names"),
    [("", "Nemanja Knežević, Milica Đurić"), ("/sr", "Немања Кнежевић, Милица Ђурић")],
)
def test_invitation_message_names_people_in_the_pages_script(client, staff_user, prefix, names):
    people = [
        CoordinatorFactory(first_name="Nemanja", last_name="Knežević", email="nemanja.k@example.org"),
        CoordinatorFactory(first_name="Milica", last_name="Đurić", email="milica.dj@example.org"),
        CoordinatorFactory(first_name="Uroš", last_name="Begović", email=""),
    ]
    client.force_login(staff_user)

    response = _invite(client, people, prefix)

    texts = [str(message) for message in response.context["messages"]]
    assert len(texts) == 2
    assert texts[0].endswith(f": {names}.")
    assert ("Урош Беговић" if prefix else "Uroš Begović") in texts[1]
    assert prefix == "" or not any("Knežević" in text or "Begović" in text for text in texts)
