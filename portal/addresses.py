"""The visitor's address, for sign-in throttling (django-axes' AXES_CLIENT_IP_CALLABLE)."""

from django.conf import settings


def client_ip(request):
    """REMOTE_ADDR, or behind TRUSTED_PROXIES proxies the address the outermost of them saw.

    Each proxy appends the address it got the request from to X-Forwarded-For, so with N trusted
    proxies the N-th entry from the right is the visitor; anything further left is the visitor's
    own claim and is ignored.
    """
    proxies = settings.TRUSTED_PROXIES
    if proxies <= 0:
        return request.META.get("REMOTE_ADDR")
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
