"""Show content in the script of the active language: `{{ office.name|script }}`.

Content is typed in Latin; on Serbian Cyrillic pages it is transliterated.
"""

from django import template
from django.utils.html import conditional_escape
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
