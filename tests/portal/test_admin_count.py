"""A change list's count reads right after any number: Serbian names the records first and the number
after a colon (templates/admin/pagination.html), where Django writes "0 pokušaji prijave"."""

import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.conftest import set_language

pytestmark = pytest.mark.django_db


def attempts(count):
    AccessAttempt.objects.bulk_create(
        AccessAttempt(username=f"osoba{number}", ip_address="192.0.2.7", user_agent="Firefox", http_accept="*/*",
                      path_info="/accounts/login/", get_data="", post_data="", failures_since_start=1)
        for number in range(count)
    )  # fmt: skip


def count_line(client):
    """The change list's count, as the page's text reads it."""
    page = client.get(reverse("admin:axes_accessattempt_changelist")).text
    paginator = re.search(r'<nav class="paginator".*?</h2>(.*?)</nav>', page, re.S)[1]
    return " ".join(re.sub(r"<[^>]+>", " ", paginator).split())


@pytest.mark.parametrize(
    ("language", "count", "line"),
    [
        ("sr-latn", 0, "Pokušaji prijave: 0"),
        ("sr-latn", 1, "Pokušaj prijave: 1"),
        ("sr-latn", 2, "Pokušaji prijave: 2"),
        ("sr-latn", 5, "Pokušaji prijave: 5"),
        ("sr-latn", 21, "Pokušaji prijave: 21"),
        ("sr", 21, "Покушаји пријаве: 21"),
        ("en", 0, "0 access attempts"),
        ("en", 1, "1 access attempt"),
    ],
)
def test_change_list_count_reads_right_after_the_number(staff_client, staff_user, language, count, line):
    staff_user.is_superuser = True
    staff_user.save()
    attempts(count)
    set_language(staff_client, language)

    assert count_line(staff_client) == line


def test_select_all_names_the_records_before_their_number(staff_client, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    attempts(101)  # more than a page: the actions bar offers to select all

    page = staff_client.get(reverse("admin:axes_accessattempt_changelist")).text

    assert "Izaberite sve: pokušaji prijave (101)</a>" in page
