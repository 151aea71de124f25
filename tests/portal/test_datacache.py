"""Fragments and values kept until the data changes: rendered pages reuse them, and never show old data."""

import json

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse
from django.utils import timezone, translation

from offices.services import office_change_status
from portal.page_cache import invalidate_pages
from tests.conftest import set_language

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_cache(memory_cache):
    """Whole pages not cached: every request renders, from kept fragments."""
    memory_cache(page_seconds=0)


FRAGMENT = Template('{% datacache "test-fragment" day %}{{ name|script }} · {{ day }}{% enddatacache %}')


def render(**context):
    return FRAGMENT.render(Context(context))


def test_a_fragment_is_rendered_once_per_key_and_language():
    assert render(name="Šabac", day="2026-11-24") == "Šabac · 2026-11-24"
    assert render(name="Ćuprija", day="2026-11-24") == "Šabac · 2026-11-24"  # kept: same key
    assert render(name="Ćuprija", day="2026-11-25") == "Ćuprija · 2026-11-25"  # another key
    with translation.override("sr"):
        assert render(name="Ćuprija", day="2026-11-24") == "Ћуприја · 2026-11-24"  # another language


def test_a_fragment_is_rendered_again_once_the_data_changes(django_capture_on_commit_callbacks):
    render(name="Šabac", day="2026-11-24")
    with django_capture_on_commit_callbacks(execute=True):
        invalidate_pages()
    assert render(name="Ćuprija", day="2026-11-24") == "Ćuprija · 2026-11-24"


def test_a_fragment_needs_a_name():
    with pytest.raises(TemplateSyntaxError, match="datacache needs a name"):
        Template("{% datacache %}x{% enddatacache %}")


def test_a_fragment_cannot_hold_a_block():
    # Blocks are not looked for inside kept fragments (datacache.DataCacheNode.child_nodelists).
    with pytest.raises(TemplateSyntaxError, match="cannot hold a"):
        Template('{% datacache "x" %}{% block title %}x{% endblock %}{% enddatacache %}')


def test_blocks_around_kept_layout_parts_are_still_filled(client, office_a):
    # base.html keeps its head, menu and footer; each page's own blocks still fill the layout.
    for url, title in [
        (reverse("offices:map"), "<title>Mapa kancelarija za mlade · "),
        (office_a.get_absolute_url(), "<title>Kancelarija za mlade Šabac · "),
    ]:
        assert title in client.get(url).text


def test_kept_layout_parts_never_carry_one_visitors_menu_to_another(client, coordinator_a, staff_user):
    url = reverse("offices:map")
    assert "Prijava" in client.get(url).text  # the anonymous menu, kept now
    client.force_login(coordinator_a.user)
    text = client.get(url).text
    assert coordinator_a.user.get_full_name() in text
    assert "Odjava" in text and "Administracija" not in text
    client.force_login(staff_user)
    text = client.get(url).text
    assert "Administracija" in text and coordinator_a.user.get_full_name() not in text
    client.logout()
    text = client.get(url).text
    assert "Prijava" in text
    assert "Odjava" not in text and "Administracija" not in text and staff_user.get_username() not in text


def sign_out_token(text):
    return (
        text.split('<form action="/accounts/logout/"')[1].split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    )


def test_the_sign_out_form_carries_each_sessions_own_token(client, coordinator_a):
    url = reverse("offices:map")
    client.force_login(coordinator_a.user)
    first = sign_out_token(client.get(url).text)
    client.logout()
    client.force_login(coordinator_a.user)  # a new session: Django rotates the token at sign-in
    assert sign_out_token(client.get(url).text) != first


def test_a_message_is_shown_once_on_a_kept_page(client, staff_user):
    url = reverse("offices:map")
    client.get(url)  # the page's kept parts exist before the message does
    client.force_login(staff_user)
    client.post(reverse("admin:offices_office_import"), {"token": "istekao"})  # an expired import: a message
    assert "Ovaj uvoz je istekao" in client.get(url).text
    assert "Ovaj uvoz je istekao" not in client.get(url).text


def test_the_unfiltered_directory_shows_a_change_at_once(client, django_capture_on_commit_callbacks):
    # Its whole body is one kept fragment.
    url = reverse("offices:list")
    response = client.get(url)
    office = next(office for office in response.context["offices"] if office.status == "open")
    closed_before = response.text.count("status-badge--closed")
    with django_capture_on_commit_callbacks(execute=True):
        office_change_status(office=office, status="closed", on=timezone.localdate())
    closed_after = client.get(url).text.count("status-badge--closed")
    assert closed_after == closed_before + 1


def test_each_page_of_the_directory_has_its_own_cards(client):
    url = reverse("offices:list")
    pages = [client.get(url, {"status": "open", "page": number}) for number in (1, 2, 1)]
    names = [[office.name for office in page.context["offices"]] for page in pages]
    assert not set(names[0]) & set(names[1])
    for page, shown in zip(pages, names, strict=True):
        cards = page.text.split('role="status"')[1]
        assert all(name in cards for name in shown)
        assert not any(name in cards for other in names if other != shown for name in other)


def test_home_figures_follow_the_day(client, monkeypatch):
    import datetime

    from django.utils import timezone

    for day, year in [(datetime.date(2026, 12, 31), "2026"), (datetime.date(2027, 1, 1), "2027")]:
        monkeypatch.setattr(timezone, "localdate", lambda *args, day=day: day)
        figure = client.get(reverse("portal:home")).text.split('data-figure="opened-this-year"')[1][:300]
        assert f"otvorene {year}." in figure


def test_directory_cards_show_a_change_at_once(client, office_a, django_capture_on_commit_callbacks):
    url = reverse("offices:list") + "?district=RS-08"
    assert "Kancelarija za mlade Šabac" in client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        office_a.name = "Omladinski centar Šabac"
        office_a.save()
    text = client.get(url).text
    assert "Omladinski centar Šabac" in text
    assert "Kancelarija za mlade Šabac" not in text


def test_directory_cards_are_kept_per_language(client, office_a):
    url = reverse("offices:list") + "?district=RS-08"
    client.get(url)
    set_language(client, "sr")
    text = client.get(url).text
    assert "Канцеларија за младе Шабац" in text
    assert "Kancelarija za mlade Šabac" not in text


def test_home_shows_the_latest_openings_after_a_change(client, office_a, django_capture_on_commit_callbacks):
    client.get(reverse("portal:home"))
    with django_capture_on_commit_callbacks(execute=True):
        office_a.opened_on = timezone.localdate()
        office_a.name = "Kancelarija za mlade Šabac, nova"
        office_a.save()
    latest = client.get(reverse("portal:home")).context["latest"]
    assert "Kancelarija za mlade Šabac, nova" in [office.name for office in latest]
    assert "Kancelarija za mlade Šabac, nova" in client.get(reverse("portal:home")).text


def test_kept_select_options_mark_only_the_chosen_one(client):
    url = reverse("offices:map")
    chosen = client.get(url, {"district": "RS-08", "status": "open"}).text
    plain = client.get(url).text
    assert '<option value="RS-08" selected>' in chosen
    assert '<option value="open" selected>' in chosen
    assert " selected>" not in plain
    assert '<option value="RS-08">' in plain


def test_the_menu_marks_the_page_it_is_on(client):
    client.get(reverse("offices:list"))
    text = client.get(reverse("offices:map")).text
    assert f'aria-current="page" href="{reverse("offices:map")}"' in text
    assert f'aria-current="page" href="{reverse("offices:list")}"' not in text


def test_a_search_is_shown_in_its_own_form(client):
    first = client.get(reverse("offices:list"), {"q": "Šabac"}).text
    second = client.get(reverse("offices:list"), {"q": "Ćuprija"}).text
    assert 'value="Šabac"' in first
    assert 'value="Ćuprija"' in second
    assert "Šabac" not in second.split('role="search"')[1].split("</form>")[0]


def test_an_invalid_filter_is_explained_each_time(client):
    for _ in range(2):
        response = client.get(reverse("offices:map"), {"country": "XX"})
        assert "XX nije među ponuđenim vrednostima" in response.text


def test_what_the_filters_find_is_kept_only_for_known_filters():
    from offices.filters import OfficeFilter
    from offices.models import Office

    def keys(query):
        filterset = OfficeFilter(query or None, queryset=Office.objects.all())
        return filterset.filters_key, filterset.form_key

    assert keys({}) == ("", "unfiltered")
    assert keys({"district": "RS-08", "status": "open"}) == ("district=RS-08&status=open", None)
    assert keys({"status": "open", "utm_source": "newsletter"}) == ("status=open", None)
    assert keys({"q": "sabac"}) == (None, None)
    assert keys({"country": "XX"}) == (None, None)


def queries_for(client, url, **query):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, query).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url, query",
    [
        ("portal:home", {}),
        ("offices:list", {}),
        ("offices:list", {"district": "RS-08", "status": "open"}),
        ("offices:map", {"region": "RS-REG-SZ"}),
    ],
)
def test_a_second_render_asks_the_database_nothing(client, url, query):
    queries_for(client, reverse(url), **query)
    assert queries_for(client, reverse(url), **query) == 0


def test_a_search_always_asks_the_database(client):
    queries_for(client, reverse("offices:list"), q="Šabac")
    assert queries_for(client, reverse("offices:list"), q="Šabac") > 0


def test_the_directory_counts_a_new_office_at_once(client, django_capture_on_commit_callbacks):
    from offices.importers import OfficeImport
    from tests.conftest import free_areas
    from tests.imports.files import run_rows

    url = reverse("offices:list")
    before = client.get(url).context["paginator"].count
    area = free_areas()[0]
    with django_capture_on_commit_callbacks(execute=True):
        run_rows(
            OfficeImport(), ["opština", "naziv", "status", "otvorena"], [[area.name, "KZM", "otvorena", "01.02.2020"]]
        )
    response = client.get(url)
    assert response.context["paginator"].count == before + 1
    assert f"{before + 1} " in response.text.split('role="status">')[1][:20]  # the kept body says so too


def test_an_office_page_hides_a_withdrawn_contact_at_once(
    client, coordinator_a, office_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_a.email, coordinator_a.publish_email = "jelena.petrovic@kzm-sabac.rs", True
        coordinator_a.save()
    assert "jelena.petrovic@kzm-sabac.rs" in client.get(office_a.get_absolute_url()).text
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_a.publish_email = False
        coordinator_a.save()
    assert "jelena.petrovic@kzm-sabac.rs" not in client.get(office_a.get_absolute_url()).text


def test_a_missing_office_is_not_remembered(client, office_a, django_capture_on_commit_callbacks):
    url = reverse("offices:detail", kwargs={"slug": "kzm-sabac-novi"})
    assert client.get(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        office_a.slug = "kzm-sabac-novi"
        office_a.save()
    assert client.get(url).status_code == 200


def test_each_filterset_has_filters_of_its_own():
    # portal.filtersets copies the declared filters one level deep; nothing may be shared.
    from offices.filters import OfficeFilter

    first, second = OfficeFilter({"q": "Šabac"}), OfficeFilter({"q": "Ćuprija"})
    assert first.filters["q"] is not second.filters["q"]
    assert first.filters["q"].parent is first and second.filters["q"].parent is second
    first.filters["status"].extra["help_text"] = "samo za prvi"
    assert "help_text" not in second.filters["status"].extra
    assert "help_text" not in OfficeFilter.base_filters["status"].extra
    assert [office.name for office in first.qs] != [office.name for office in second.qs]  # each searches its own text


@pytest.mark.parametrize("language, label", [("sr-latn", "otvorena"), ("sr", "отворена"), ("en", "open")])
def test_the_map_script_gets_its_words_in_the_page_language(client, language, label):
    set_language(client, language)
    assert map_config(client)["statuses"]["open"] == label


def map_config(client):
    text = client.get(reverse("offices:map")).text
    return json.loads(text.split('<script id="map-config" type="application/json">')[1].split("</script>")[0])


def test_the_map_script_follows_a_change_of_settings(client, settings):
    map_config(client)  # written once for this process
    settings.MAP_TILE_URL = "/static/img/blank-tile.png"
    assert map_config(client)["tileUrl"] == "/static/img/blank-tile.png"
