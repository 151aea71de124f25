"""Finding a city, municipality or city municipality by any spelling of its name, or by its code."""

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.text import search_fold

from .models import Area


class AreaLookup:
    """ "Ćuprija", "CUPRIJA", "Cuprija", "Ћуприја" and "RS-CUPRIJA" are one place.

    "Palilula (Niš)" tells apart two places of one name; where a city and its own city municipality
    share a name, the city wins. Loads every candidate once: a lookup costs no query.

    A name is found by its folded form, search's (portal.text.search_fold): "Aranđelovac" also as typed on
    an English keyboard, đ as "dj" (Djordje) or as a plain "d" (Dorde), as the directory's search finds it.
    """

    def __init__(self, queryset=None):
        self.by_code = {}
        self.by_name = {}
        self._found, self._labels = {}, {}  # a file names the same places again and again
        if queryset is None:
            queryset = Area.objects.office_hosts().current()
        for area in queryset.select_related("parent"):
            self.by_code[area.code.upper()] = area
            for name in (area.name, area.name_cyrillic, area.name_en):
                key = search_fold(name)
                if key and area not in self.by_name.setdefault(key, []):
                    self.by_name[key].append(area)

    def candidates(self, text):
        name, _paren, qualifier = text.partition("(")
        candidates = self.by_name.get(search_fold(name), [])
        if qualifier:
            wanted = search_fold(qualifier.rstrip(") "))
            candidates = [
                area
                for area in candidates
                if wanted and area.parent and wanted in (search_fold(area.parent.name), search_fold(area.parent.code))
            ]
        return [a for a in candidates if a.parent_id not in {c.pk for c in candidates}] or candidates

    def find(self, value):
        text = str(value or "").strip()
        if text not in self._found:
            try:
                self._found[text] = self._find(text)
            except ValidationError as error:
                self._found[text] = error
        found = self._found[text]
        if isinstance(found, ValidationError):
            raise found
        return found

    def _find(self, text):
        if not text:
            raise ValidationError(_("Name the municipality or city."), code="required")
        if text.upper() in self.by_code:
            return self.by_code[text.upper()]
        candidates = self.candidates(text)
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise ValidationError(
                _("Unknown municipality or city: “%(name)s”."), code="unknown_area", params={"name": text}
            )
        raise ValidationError(
            _("“%(name)s” is ambiguous: write %(options)s."),
            code="ambiguous_area",
            params={"name": text, "options": _(" or ").join(f"“{self.label(a, qualified=True)}”" for a in candidates)},
        )

    def label(self, area, qualified=None):
        """The name an export writes: the local name, with the parent's where the name alone is ambiguous."""
        key = (area.pk, qualified, get_language())
        if key not in self._labels:
            self._labels[key] = self._label(area, qualified)
        return self._labels[key]

    def _label(self, area, qualified):
        name = area.local_name
        if qualified is None:
            qualified = len(self.candidates(area.name)) > 1 or len(self.by_name.get(search_fold(area.name), [])) > 1
        if qualified and area.parent:
            return f"{name} ({area.parent.local_name})"
        return name
