"""The active language and its script in templates.

`{{ office.name|script }}`: content is typed in Latin; on Serbian Cyrillic pages it is
transliterated. `{{ session.hours|decimal_text }}`: a decimal as a person writes it in the active
language ("4", "2,5"; see `portal.text.decimal_text`). `{% html_lang %}`: the page's language tag.
`{% language_links %}`: the links to this page in the other languages; `{% language_alternates %}`: the
same for search engines, in <head>.
"""

from decimal import Decimal

from django import template
from django.conf import settings
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

from portal.languages import in_language
from portal.text import cyrillic_active, decimal_text, to_cyrillic

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


@register.filter(name="decimal_text")
def decimal_text_filter(value):
    if value is None or value == "":
        return ""
    return decimal_text(value if isinstance(value, Decimal) else Decimal(str(value)))


HTML_LANG = {"sr-latn": "sr-Latn", "sr": "sr-Cyrl", "en": "en"}


@register.simple_tag
def html_lang():
    """The BCP 47 tag of the active language, for <html lang>."""
    return HTML_LANG.get(get_language(), get_language())


LANGUAGE_BUTTONS = {"sr-latn": "Lat", "sr": "Ћир", "en": "EN"}


def _this_page_in_each_language(request):
    """[(code, name, tag, URL of this page in that language)], worked out once per request."""
    if not hasattr(request, "page_in_each_language"):
        here = request.get_full_path()
        request.page_in_each_language = [
            (code, name, HTML_LANG[code], in_language(here, code)) for code, name in settings.LANGUAGES
        ]
    return request.page_in_each_language


CURRENT, OTHER = mark_safe('btn-light" aria-current="true"'), mark_safe('btn-outline-light"')


@register.simple_tag(takes_context=True)
def language_links(context):
    """One link per language, to this same page in that language (its URL); the active one marked."""
    active = get_language()
    return format_html_join(
        "\n",
        '<li class="nav-item"><a href="{}" hreflang="{}" lang="{}" class="btn btn-sm {}>{}'
        '<span class="visually-hidden"> – {}</span></a></li>',
        (
            (
                url,
                tag,
                tag,
                CURRENT if code == active else OTHER,
                LANGUAGE_BUTTONS[code],
                name,
            )
            for code, name, tag, url in _this_page_in_each_language(context["request"])
        ),
    )


@register.simple_tag(takes_context=True)
def language_alternates(context):
    """<link rel="alternate" hreflang> for this page in each language, and x-default (Serbian Latin), for search engines."""
    request = context["request"]
    links = [(tag, url) for _code, _name, tag, url in _this_page_in_each_language(request)]
    links.append(("x-default", links[[code for code, _name in settings.LANGUAGES].index(settings.LANGUAGE_CODE)][1]))
    return format_html_join(
        "\n  ",
        '<link rel="alternate" hreflang="{}" href="{}">',
        ((tag, request.build_absolute_uri(url)) for tag, url in links),
    )
