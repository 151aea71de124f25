from django.conf import settings
from django.utils.cache import patch_cache_control


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
