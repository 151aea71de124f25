"""Sign-in throttling (django-axes): five failures for one account from one address lock it for a while."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def sign_in(client, username, password, address="203.0.113.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_failures_lock_the_account_from_that_address(client, staff_user):
    for _ in range(4):
        assert sign_in(client, staff_user.username, "pogrešna").status_code == 200
    assert sign_in(client, staff_user.username, "pogrešna").status_code == 429
    locked = sign_in(client, staff_user.username, "x")
    assert locked.status_code == 429
    assert "15" in locked.text
    assert "_auth_user_id" not in client.session


def test_the_lock_is_for_that_address_only(client, staff_user):
    for _ in range(5):
        sign_in(client, staff_user.username, "pogrešna")
    assert sign_in(client, staff_user.username, "x", address="198.51.100.4").status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, staff_user):
    for _ in range(4):
        sign_in(client, staff_user.username, "pogrešna")
    assert sign_in(client, staff_user.username, "x").status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, staff_user.username, "pogrešna")
    assert sign_in(client, staff_user.username, "x").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, staff_user):
    from axes.models import AccessAttempt

    for _ in range(5):
        sign_in(client, staff_user.username, "pogrešna")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, staff_user.username, "x").status_code == 302


def sign_in_through_proxy(client, username, password, forwarded_for):
    """A sign-in that reaches the app through one proxy at 10.0.0.1."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_admin_sign_in_is_throttled_too(client, staff_user):
    for _ in range(5):
        client.post(
            reverse("admin:login"), {"username": staff_user.username, "password": "pogrešna"}, REMOTE_ADDR="203.0.113.9"
        )
    response = client.post(
        reverse("admin:login"), {"username": staff_user.username, "password": "x"}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 429


def test_behind_a_proxy_the_visitors_address_is_counted_not_the_proxys(client, staff_user, settings):
    settings.TRUSTED_PROXIES = 1
    for _ in range(5):
        sign_in_through_proxy(client, staff_user.username, "pogrešna", "203.0.113.66")
    other_visitor = sign_in_through_proxy(client, staff_user.username, "x", "198.51.100.10")
    assert other_visitor.status_code == 302


def test_a_forged_forwarded_address_does_not_escape_the_lock(client, staff_user, settings):
    settings.TRUSTED_PROXIES = 1
    for attempt in range(5):
        sign_in_through_proxy(client, staff_user.username, "pogrešna", f"192.0.2.{attempt}, 203.0.113.66")
    response = sign_in_through_proxy(client, staff_user.username, "x", "192.0.2.99, 203.0.113.66")
    assert response.status_code == 429
