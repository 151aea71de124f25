"""The language is in the URL: Serbian Latin unprefixed (the default), /sr/… Cyrillic, /en/… English."""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import translate_url
from django.utils import translation


def in_language(url, language):
    """The same page in `language`, query string kept: in_language("/offices/?q=x", "sr") == "/sr/offices/?q=x"."""
    own = translation.get_language_from_path(urlsplit(url).path) or settings.LANGUAGE_CODE
    with translation.override(own):
        return translate_url(url, language)
