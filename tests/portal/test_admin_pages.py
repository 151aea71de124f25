"""Django's admin in the portal's languages: language links and alternates, names in the active script,
the axes app's name, the index's reports module, and the Django words the portal says otherwise."""

import pytest
from django.test.html import parse_html
from django.urls import reverse

from offices.models import Office

pytestmark = pytest.mark.django_db

PREFIXES = {"sr-latn": "", "sr": "/sr", "en": "/en"}
TAGS = {"sr-latn": "sr-Latn", "sr": "sr-Cyrl", "en": "en"}


@pytest.fixture
def admin_client(client, staff_user):
    staff_user.first_name = "Sanja"
    staff_user.save()
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize("language", PREFIXES)
def test_admin_change_list_links_to_itself_in_the_other_languages(admin_client, language):
    page = admin_client.get(f"{PREFIXES[language]}/admin/offices/office/?status=open").text

    for other, prefix in PREFIXES.items():
        url = f"{prefix}/admin/offices/office/?status=open"
        assert f'<a href="{url}" hreflang="{TAGS[other]}" lang="{TAGS[other]}"' in page
        assert f'<link rel="alternate" hreflang="{TAGS[other]}" href="http://testserver{url}">' in page
    assert (
        '<link rel="alternate" hreflang="x-default" href="http://testserver/admin/offices/office/?status=open">' in page
    )
    assert page.count('aria-current="true"') == 1


@pytest.mark.parametrize(
    ("language", "app_name", "models"),
    [
        ("sr-latn", "Zaštita prijave", ["Neuspele prijave", "Pokušaji prijave", "Zapisi o prijavama"]),
        ("sr", "Заштита пријаве", ["Неуспеле пријаве", "Покушаји пријаве", "Записи о пријавама"]),
        ("en", "Sign-in protection", ["Access attempts", "Access failures", "Access logs"]),
    ],
)
def test_admin_index_names_the_axes_app_and_its_models_in_the_language(admin_client, language, app_name, models):
    page = admin_client.get(f"{PREFIXES[language]}/admin/").text

    assert f'/admin/axes/" class="section">{app_name}</a>' in page
    assert ">Axes<" not in page
    for name in models:
        assert f'/">{name}</a>' in page


def element_by_id(element, id_, parents=()):
    """The element of a parsed page with that id, and its ancestors' ids (django.test.html's tree)."""
    for child in getattr(element, "children", []):
        if isinstance(child, str):
            continue
        own = dict(child.attributes).get("id")
        if own == id_:
            return child, parents
        found = element_by_id(child, id_, (*parents, own) if own else parents)
        if found:
            return found
    return None


def test_admin_index_shows_the_reports_as_a_module_of_the_app_list(admin_client):
    page = parse_html(admin_client.get("/admin/").text)

    reports, parents = element_by_id(page, "reports-module")
    assert parents[-1] == "content-main"
    _recent, parents = element_by_id(page, "recent-actions-module")
    assert parents[-1] == "content-related"
    assert str(reports).count("<caption>") == 1
    assert "Izveštaji" in str(reports)
    assert f'href="{reverse("admin:trainings_programme_results")}"' in str(reports)


@pytest.mark.parametrize(
    ("language", "title", "greeting"),
    [
        ("sr-latn", "Istorijat izmena: Kancelarija za mlade Šabac", "<strong>Sanja</strong>"),
        ("sr", "Историјат измена: Канцеларија за младе Шабац", "<strong>Сања</strong>"),
    ],
)
def test_admin_titles_breadcrumbs_and_greeting_name_people_and_places_in_the_active_script(
    admin_client, language, title, greeting
):
    office = Office.objects.get(area__code="RS-SABAC")
    url = f"{PREFIXES[language]}/admin/offices/office/{office.pk}/"

    history = admin_client.get(url + "history/").text
    change = admin_client.get(url + "change/").text

    name = title.split(": ")[1]
    assert f"<title>{title} | " in history
    assert f"<h1>{title}</h1>" in history
    assert f'/change/">{name}</a></li>' in history  # the breadcrumbs
    assert f"<h2>{name}</h2>" in change  # the change form's subtitle
    assert greeting in change


@pytest.mark.parametrize(
    ("language", "theme", "search_alt", "search_heading"),
    [
        ("sr-latn", "(trenutna tema: automatska)", "Pretraga", "Pretraga: pokušaji prijave"),
        ("sr", "(тренутна тема: аутоматска)", "Претрага", "Претрага: покушаји пријаве"),
        ("en", "(current theme: auto)", "Search", "Search access attempts"),
    ],
)
def test_admin_words_of_django_and_axes_read_right_in_the_language(
    admin_client, language, theme, search_alt, search_heading
):
    page = admin_client.get(f"{PREFIXES[language]}/admin/axes/accessattempt/").text

    assert theme in page
    assert f'search.svg" alt="{search_alt}">' in page
    assert f'<h2 id="changelist-search-form" class="visually-hidden">{search_heading}</h2>' in page


def test_admin_proposal_page_names_its_office_in_the_active_script(admin_client, office_a, coordinator_a):
    from offices.services import office_change_propose

    proposal = office_change_propose(
        office=office_a, user=coordinator_a.user, values={"working_hours": "Pon–pet 8–16 č"}
    )
    url = "/sr" + reverse("admin:offices_officechangeproposal_change", args=[proposal.pk])

    page = admin_client.get(url).text

    subtitle = page.split("<h2>", 1)[1].split("</h2>", 1)[0]
    assert "Канцеларија за младе Шабац" in subtitle
    assert "<title>" + subtitle in page
