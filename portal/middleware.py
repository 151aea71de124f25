from django.conf import settings
from django.utils.cache import patch_cache_control

from portal.views import DATABASE_DOWN, database_unavailable


class DatabaseUnavailableMiddleware:
    """An unreachable database gets a plain 503 page (no template that asks it anything), not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            return database_unavailable(request)
        return None


class PrivateForSignedInMiddleware:
    """A signed-in visitor's pages carry their name and tokens: no shared cache may keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Without a session cookie no one is signed in: the user need not be looked up.
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and response.status_code < 500
            and request.user.is_authenticated
        ):
            patch_cache_control(response, private=True)
        return response
