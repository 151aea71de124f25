"""Form widgets for the public pages' filter forms."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from portal.page_cache import cached_by_version

OPTION_OPENING = '<option value="{}">'


class QuickSelect(forms.Select):
    """A <select> rendered in Python, not through a template per <option>.

    Django renders every option of a Select through its own template; a filter form with some
    hundreds of options spent most of a page's time there. Same markup, one pass. With `cache_as`
    (a name for this list of choices, empty label included, unique in the project), the options are
    rendered once per language until the data changes (cached_by_version), and the chosen one is
    marked in that copy.
    """

    def __init__(self, attrs=None, choices=(), *, cache_as=None):
        super().__init__(attrs, choices)
        self.cache_as = cache_as

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        if self.cache_as:
            options = cached_by_version(f"select:{self.cache_as}:{get_language()}", self.render_options)
        else:
            options = self.render_options()
        for chosen in {str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v is not None}:
            opening = format_html(OPTION_OPENING, chosen)
            options = options.replace(opening, f"{opening[:-1]} selected>", 1)
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe(options))

    def render_options(self):
        return str(format_html_join("", OPTION_OPENING + "{}</option>", self.choices))
