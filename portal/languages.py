"""The language is in the URL: Serbian Latin unprefixed (the default), /sr/… Cyrillic, /en/… English."""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.utils import translation


def language_prefix(language):
    """What i18n_patterns puts before a path in `language` (prefix_default_language=False): "" or "/sr"."""
    return "" if language == settings.LANGUAGE_CODE else f"/{language}"


def in_language(url, language):
    """The same page in `language`, query string kept: in_language("/offices/?q=x", "sr") == "/sr/offices/?q=x".

    No path is translated, so only the prefix changes, whether or not a page answers the address: a 404
    page's language links lead to that language's 404 page."""
    parts = urlsplit(url)
    own = translation.get_language_from_path(parts.path) or settings.LANGUAGE_CODE
    path = parts.path.removeprefix(language_prefix(own)) or "/"
    return urlunsplit(parts._replace(path=language_prefix(language) + path))
