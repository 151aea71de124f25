"""The history page leaves the "changed by" cell of a row without a user (a command's, a deleted account's)
empty, where simple-history writes "None" ("Ništa"), and still names and links a user who made a change."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


class HistoryTable(HTMLParser):
    """The history table's header and rows, as the text of each cell."""

    def __init__(self):
        super().__init__()
        self.header, self.rows, self.cell = [], [], None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            text = " ".join("".join(self.cell).split())
            (self.header if tag == "th" else self.rows[-1]).append(text)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def changed_by(page, header):
    table = HistoryTable()
    table.feed(page.text[page.text.index('id="change-history"') :])
    column = table.header.index(header)
    return [row[column] for row in table.rows if row]


@pytest.mark.parametrize(
    ("language", "header"), [("en", "Changed by"), ("sr-latn", "Autor izmene"), ("sr", "Аутор измене")]
)
def test_a_change_without_a_user_leaves_changed_by_empty(staff_client, staff_user, office_a, language, header):
    office_a.description = "Opis iz naredbe"
    office_a.save()  # outside a request, as a command: no user
    office_a.description = "Opis koji je upisalo osoblje"
    office_a._history_user = staff_user
    office_a.save()

    with translation.override(language):
        page = staff_client.get(reverse("admin:offices_office_history", args=[office_a.pk]))

    cells = changed_by(page, header)  # rows of one moment come in no set order (the test's clock stands still)
    assert len(cells) == office_a.history.count() >= 3
    assert sorted(cells) == [""] * (len(cells) - 1) + [staff_user.get_username()]
    assert reverse("admin:auth_user_change", args=[staff_user.pk]) in page.text
