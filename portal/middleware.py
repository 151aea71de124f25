from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

from portal.page_cache import language_of


class LanguageMiddleware(LocaleMiddleware):
    """The visitor's chosen language (the language cookie), else Serbian Latin.

    The browser's Accept-Language is not consulted: a Serbian browser asks for "sr", which is
    Cyrillic, and most others ask for English; the portal speaks Serbian Latin until told otherwise.
    """

    def process_request(self, request):
        translation.activate(language_of(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response = super().process_response(request, response)
        # The language comes from a cookie, so a cache must keep one copy per cookie.
        patch_vary_headers(response, ("Cookie",))
        return response
