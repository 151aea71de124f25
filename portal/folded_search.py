"""Search that ignores script, case and diacritics: "sabac", "SABAC" and "Шабац" find Šabac.

A searchable model keeps a folded `search_text` column (see portal.text.search_fold: "d", "dj" and "đ" alike); a query matches a
record when every word of it is found in one of the named columns (or matches one of the given
conditions: a function of the folded word that returns a Q, such as a subquery over related records);
words that would match every record can be left out (`ignore_words`).
"""

from functools import reduce
from operator import or_

from django.db.models import Q

from portal.text import search_fold

MAX_QUERY_LENGTH = 200


def folded_search(queryset, fields, query, *, ignore_words=()):
    """The records with every word of `query` in one of `fields`: a folded column's name, or a function
    of the word returning a Q. A word of `ignore_words` (in any spelling: they are folded too) filters
    nothing, for a word every record would match ("KZM" among offices)."""
    ignored = {search_fold(word) for word in ignore_words}
    for word in search_fold(str(query)[:MAX_QUERY_LENGTH]).split():
        if word in ignored:
            continue
        queryset = queryset.filter(
            reduce(or_, (field(word) if callable(field) else Q(**{f"{field}__contains": word}) for field in fields))
        )
    return queryset


class FoldedSearchMixin:
    """For a ModelAdmin: its search box uses folded_search over `folded_search_fields`."""

    folded_search_fields = ["search_text"]
    search_fields = ["search_text"]  # makes the admin show its search box

    def get_search_results(self, request, queryset, search_term):
        return folded_search(queryset, self.folded_search_fields, search_term), False
