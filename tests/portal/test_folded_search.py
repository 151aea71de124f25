"""portal.folded_search: every word of a query, in any script, case or diacritics, in a folded column."""

import pytest

from offices.models import Office
from portal.folded_search import folded_search

pytestmark = pytest.mark.django_db


def names(queryset):
    return [office.name for office in queryset.order_by("name")]


@pytest.mark.parametrize("query", ["Šabac", "ŠABAC", "Шабац", "sab"])
def test_folded_search_finds_a_word_in_any_script_case_or_diacritics(query):
    assert names(folded_search(Office.objects.all(), ["search_text"], query)) == ["Kancelarija za mlade Šabac"]


def test_folded_search_needs_every_word():
    assert names(folded_search(Office.objects.all(), ["search_text"], "Šabac Zrenjanin")) == []


@pytest.mark.parametrize("query", ["KZM Šabac", "кзм шабац", "Šabac kzm", "KZM KZM Šabac"])
def test_folded_search_leaves_out_the_ignored_words_in_any_spelling(query):
    found = folded_search(Office.objects.all(), ["search_text"], query, ignore_words=["КЗМ"])

    assert names(found) == ["Kancelarija za mlade Šabac"]


def test_folded_search_of_ignored_words_alone_filters_nothing():
    found = folded_search(Office.objects.all(), ["search_text"], "KZM", ignore_words=["kzm"])

    assert found.count() == Office.objects.count()


def test_folded_search_ignores_only_whole_words():
    assert names(folded_search(Office.objects.all(), ["search_text"], "KZMS Šabac", ignore_words=["kzm"])) == []
