"""`{% filter search_icon_alt %}`: Django's admin search form (admin/search_form.html) gives its icon, the
search box's label, the alt text "Search" in English, not marked for translation; the filter puts in
Django's own translation of "Search" (templates/admin/change_list.html)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()

ENGLISH_ALT = 'alt="Search"'


@register.filter
def search_icon_alt(html):
    return mark_safe(str(html).replace(ENGLISH_ALT, format_html('alt="{}"', gettext("Search")), 1))
