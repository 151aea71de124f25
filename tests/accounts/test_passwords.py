"""The password pages (reset: form, sent, new password, done; change: form, done) are the site's, in its
layout and the URL's language, with no way into the admin for a coordinator; the reset works end to end."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

# (prefix, <html lang>, the directory's address in the menu)
LANGUAGES = [("", "sr-Latn", "/offices/"), ("/sr", "sr-Cyrl", "/sr/offices/"), ("/en", "en", "/en/offices/")]

# Each page and its heading in each language.
RESET_PAGES = {
    "password_reset": ("Zaboravili ste lozinku?", "Заборавили сте лозинку?", "Forgot your password?"),
    "password_reset_done": ("Proverite e-poštu", "Проверите е-пошту", "Check your e-mail"),
    "password_reset_complete": (
        "Nova lozinka je postavljena",
        "Нова лозинка је постављена",
        "Your new password is set",
    ),
}
CHANGE_PAGES = {
    "password_change": ("Promena lozinke", "Промена лозинке", "Change password"),
    "password_change_done": ("Lozinka je promenjena", "Лозинка је промењена", "Your password is changed"),
}


def url(name, prefix, **kwargs):
    with translation.override("sr-latn"):
        return prefix + reverse(name, kwargs=kwargs)


def assert_site_page(response, tag, directory, heading):
    text = response.text
    assert response.status_code == 200
    assert f'<html lang="{tag}">' in text
    assert '<nav class="navbar navbar-expand-lg navbar-dark site-navbar"' in text
    assert f'href="{directory}">' in text
    assert text.count('<link rel="alternate" hreflang=') == 4
    assert text.count('class="btn btn-sm btn-') >= 3  # the language switcher
    assert f'<h1 class="h3 mb-3">{heading}</h1>' in text
    assert "/admin/" not in text


@pytest.mark.parametrize("language", range(3))
@pytest.mark.parametrize("name", RESET_PAGES)
def test_each_password_reset_page_is_the_sites_in_each_language(client, name, language):
    prefix, tag, directory = LANGUAGES[language]

    response = client.get(url(name, prefix))

    assert_site_page(response, tag, directory, RESET_PAGES[name][language])


@pytest.mark.parametrize("language", range(3))
def test_an_invalid_reset_link_is_the_sites_page_offering_a_new_one(client, language):
    prefix, tag, directory = LANGUAGES[language]

    response = client.get(url("password_reset_confirm", prefix, uidb64="MTIz", token="set-password"))

    heading = ("Postavite novu lozinku", "Поставите нову лозинку", "Set a new password")[language]
    assert_site_page(response, tag, directory, heading)
    assert f'href="{prefix}/accounts/password_reset/"' in response.text


@pytest.mark.parametrize("language", range(3))
@pytest.mark.parametrize("name", CHANGE_PAGES)
def test_each_password_change_page_is_the_sites_for_a_coordinator(coordinator_a_client, name, language):
    prefix, tag, directory = LANGUAGES[language]

    response = coordinator_a_client.get(url(name, prefix))

    assert_site_page(response, tag, directory, CHANGE_PAGES[name][language])
    assert f'href="{prefix}/me/"' in response.text  # back to the coordinator's page


def test_the_admin_keeps_its_own_password_change_page(staff_client):
    response = staff_client.get(reverse("admin:password_change"))

    assert response.status_code == 200
    assert 'id="site-name"' in response.text  # the admin's header, not the site's menu
    assert "site-navbar" not in response.text


@pytest.mark.parametrize(
    ("prefix", "subject"),
    [
        ("", "Nova lozinka na KZM portalu"),
        ("/sr", "Нова лозинка на КЗМ порталу"),
        ("/en", "A new password on the KZM portal"),
    ],
)
def test_a_forgotten_password_is_reset_from_the_e_mailed_link_and_signs_in(client, prefix, subject):
    person = get_user_model().objects.create_user(
        username="jelena.nikolic@example.org", email="jelena.nikolic@example.org", password="Stara-lozinka-2025"
    )

    response = client.post(url("password_reset", prefix), {"email": "Jelena.Nikolic@example.org"})
    assert response["Location"] == url("password_reset_done", prefix)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == subject
    assert mail.outbox[0].to == ["jelena.nikolic@example.org"]
    assert "jelena.nikolic@example.org" in mail.outbox[0].body  # the username
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    assert link.startswith(f"{prefix}/accounts/reset/")  # in the language it was asked in

    form_page = client.get(link, follow=True)
    assert '<input type="password" name="new_password1"' in form_page.text
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Šabac-Čačak-2026", "new_password2": "Šabac-Čačak-2026"}
    )
    assert response["Location"] == url("password_reset_complete", prefix)

    response = client.post(url("login", prefix), {"username": person.username, "password": "Šabac-Čačak-2026"})
    assert response["Location"] == url("accounts:home", prefix)
    assert client.get(link).context["validlink"] is False  # the link worked once


def test_a_coordinator_changes_the_password_in_the_site(coordinator_a_client, coordinator_a):
    user = coordinator_a.user
    user.set_password("Stara-lozinka-2025")
    user.save()
    coordinator_a_client.force_login(user)

    response = coordinator_a_client.post(
        "/en/accounts/password_change/",
        {
            "old_password": "Stara-lozinka-2025",
            "new_password1": "Šabac-Čačak-2026",
            "new_password2": "Šabac-Čačak-2026",
        },
    )

    assert response["Location"] == "/en/accounts/password_change/done/"
    user.refresh_from_db()
    assert user.check_password("Šabac-Čačak-2026")
