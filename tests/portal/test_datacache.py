"""Fragments and values kept until the data changes: rendered pages reuse them, and never show old data."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse
from django.utils import timezone, translation

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
    from offices.importers import OfficeImporter
    from tests.conftest import free_areas

    url = reverse("offices:list")
    before = client.get(url).context["paginator"].count
    area = free_areas()[0]
    with django_capture_on_commit_callbacks(execute=True):
        OfficeImporter().apply(
            ["opština", "naziv", "status", "otvorena"], [[area.name, "KZM", "otvorena", "01.02.2020"]]
        )
    assert client.get(url).context["paginator"].count == before + 1


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
