"""The language is in the URL: Serbian Latin unprefixed (the default), /sr/… Cyrillic, /en/… English."""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation


def in_language(url, language):
    """The same page in `language`, query string kept: in_language("/offices/?q=x", "sr") == "/sr/offices/?q=x".

    An address no page answers (a 404 page's own) keeps its path under the other language's prefix, so the
    404 page's language links lead to that language's 404 page, not back to this one."""
    parts = urlsplit(url)
    own = translation.get_language_from_path(parts.path) or settings.LANGUAGE_CODE
    with translation.override(own):
        translated = translate_url(url, language)
        own_prefix = reverse("portal:home")
    if translated != url or language == own:
        return translated
    with translation.override(language):
        prefix = reverse("portal:home")
    path = parts.path.removeprefix(own_prefix) if parts.path.startswith(own_prefix) else parts.path.lstrip("/")
    return urlunsplit(parts._replace(path=prefix + path))
