"""The active language and its script in templates.

`{{ office.name|script }}`: content is typed in Latin; on Serbian Cyrillic pages it is
transliterated. `{% html_lang %}`: the page's language tag. `{% language_links %}`: the links that
switch languages.
"""

import functools

from django import template
from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.html import conditional_escape, escape
from django.utils.http import urlencode
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

from portal.text import cyrillic_active, to_cyrillic

register = template.Library()


@register.filter
def script(value):
    if value is None or value == "":
        return ""
    if not cyrillic_active():
        return value
    if isinstance(value, SafeData):
        return mark_safe(to_cyrillic(str(value)))
    return mark_safe(to_cyrillic(conditional_escape(str(value))))


HTML_LANG = {"sr-latn": "sr-Latn", "sr": "sr-Cyrl", "en": "en"}


@register.simple_tag
def html_lang():
    """The BCP 47 tag of the active language, for <html lang>."""
    return HTML_LANG.get(get_language(), get_language())


LANGUAGE_BUTTONS = {"sr-latn": "Lat", "sr": "Ћир", "en": "EN"}


@functools.cache
def _language_targets(script_prefix):
    """(code, its link, its tag, its button, its name), ready for HTML; once per process."""
    return [
        (code, escape(reverse("portal:language", args=[code])), HTML_LANG[code], LANGUAGE_BUTTONS[code], escape(name))
        for code, name in settings.LANGUAGES
    ]


@register.simple_tag(takes_context=True)
def language_links(context):
    """One link per language, back to this same page; the active one marked.

    Written in Python: as a template loop, these three links cost more than the rest of the menu.
    """
    here = escape(urlencode({"next": context["request"].get_full_path()}))
    active = get_language()
    links = []
    for code, url, tag, button, name in _language_targets(get_script_prefix()):
        state = 'btn-light" aria-current="true' if code == active else "btn-outline-light"
        links.append(
            f'<li class="nav-item"><a href="{url}?{here}" hreflang="{tag}" lang="{tag}" class="btn btn-sm {state}" '
            f'rel="nofollow">{button}<span class="visually-hidden"> – {name}</span></a></li>'
        )
    return mark_safe("\n".join(links))
