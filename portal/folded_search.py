"""Admin search that ignores script, case and diacritics: "sabac", "SABAC" and "Шабац" find Šabac.

A model that uses it keeps a folded `search_text` column (see portal.text.fold).
"""

from functools import reduce
from operator import or_

from django.db.models import Q

from portal.text import fold


class FoldedSearchMixin:
    folded_search_fields = ["search_text"]
    search_fields = ["search_text"]  # makes the admin show its search box

    def get_search_results(self, request, queryset, search_term):
        for word in fold(search_term).split():
            queryset = queryset.filter(
                reduce(or_, (Q(**{f"{name}__contains": word}) for name in self.folded_search_fields))
            )
        return queryset, False
