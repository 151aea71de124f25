"""Our catalogue translates django-simple-history and django-axes: their msgids must be the ones we list."""

import re
from pathlib import Path

import axes
import pytest
import simple_history
from django.utils import translation

from portal.library_strings import AXES, SIMPLE_HISTORY


def _source(package):
    """The package's Python and template text, as makemessages reads it: `{{ x }}` is `%(x)s`."""
    files = [*Path(package.__file__).parent.rglob("*.py"), *Path(package.__file__).parent.rglob("*.html")]
    text = " ".join(path.read_text(encoding="utf-8") for path in files if "tests" not in path.parts)
    text = re.sub(r"\{\{\s*(\w+)\s*\}\}", r"%(\1)s", text)
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("package", "msgids"),
    [(simple_history, [*SIMPLE_HISTORY, "%}entry{% plural %}entries{%"]), (axes, AXES)],
    ids=["simple_history", "axes"],
)
def test_listed_msgids_occur_in_the_installed_library(package, msgids):
    source = _source(package)
    assert [msgid for msgid in msgids if msgid not in source] == []


def test_listed_django_msgids_occur_in_django():
    import django.contrib.auth.models
    import django.utils.dates

    from portal.library_strings import DJANGO, MONTHS_ALT

    auth = Path(django.contrib.auth.models.__file__).read_text(encoding="utf-8")
    dates = " ".join(Path(django.utils.dates.__file__).read_text(encoding="utf-8").split())
    assert [msgid for msgid in DJANGO if f'_("{msgid}")' not in auth] == []
    with translation.override("en"):
        months = [str(month) for month in MONTHS_ALT]
    assert len(months) == 12
    assert [month for month in months if f'pgettext_lazy("alt. month", "{month}")' not in dates] == []


@pytest.mark.parametrize("app", ["admin", "auth", "core"])
def test_listed_django_admin_and_auth_msgids_are_djangos(app):
    import gettext

    import django

    from portal.library_strings import DJANGO_ADMIN, DJANGO_AUTH, DJANGO_CORE

    locale = Path(django.__file__).parent / ("conf" if app == "core" else f"contrib/{app}") / "locale"
    mo = locale / "sr_Latn" / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as file:
        catalogue = gettext.GNUTranslations(file)._catalog
    listed = {"admin": DJANGO_ADMIN, "auth": DJANGO_AUTH, "core": DJANGO_CORE}[app]
    assert [msgid for msgid in listed if msgid not in catalogue] == []


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("sr-latn", "Unesite ispravnu adresu e-pošte."),
        ("sr", "Унесите исправну адресу е-поште."),
        ("en", "Enter a valid email address."),
    ],
)
def test_email_field_says_e_posta_as_the_portal_does(language, message):
    from django import forms

    class ContactForm(forms.Form):
        email = forms.EmailField()

    with translation.override(language):
        form = ContactForm({"email": "milica.djuric@"})
        assert form.errors == {"email": [message]}


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "label"), [("sr-latn", "E-pošta"), ("sr", "Е-пошта"), ("en", "Email")])
def test_the_password_reset_form_says_e_posta_as_the_portal_does(client, language, label):
    from django.urls import reverse

    with translation.override(language):
        response = client.get(reverse("password_reset"))
        assert str(response.context["form"].fields["email"].label) == label
    assert re.search(rf'for="id_email"[^>]*>\s*{label}<', response.text)
    assert "mejl" not in response.text.lower() and "мејл" not in response.text.lower()
