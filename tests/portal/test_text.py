import pytest

from portal.text import fold, slugify, to_cyrillic, to_latin


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Šabac", "Шабац"),
        ("Ćuprija", "Ћуприја"),
        ("Gornji Milanovac", "Горњи Милановац"),
        ("Kanjiža", "Кањижа"),
        ("Đorđević", "Ђорђевић"),
        ("Ljubovija", "Љубовија"),
        ("Odžaci", "Оџаци"),
        ("NJEGOŠEVA", "ЊЕГОШЕВА"),
        ("injekcija", "инјекција"),
        ("nadživeti", "надживети"),
        ("Kancelarija za mlade", "Канцеларија за младе"),
    ],
)
def test_to_cyrillic_official_spellings(latin, cyrillic):
    assert to_cyrillic(latin) == cyrillic


def test_to_cyrillic_leaves_links_and_addresses_alone():
    text = "Piši na kzm.sabac@example.org ili https://kzm.example.org/o-nama"
    assert to_cyrillic(text) == "Пиши на kzm.sabac@example.org или https://kzm.example.org/o-nama"


def test_to_cyrillic_leaves_markup_and_entities_alone():
    assert (
        to_cyrillic('<a href="/offices/">Kancelarije</a> &amp; savet')
        == '<a href="/offices/">Канцеларије</a> &amp; савет'
    )


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [("Шабац", "Šabac"), ("Љиг", "Ljig"), ("ЉИГ", "LJIG"), ("Џеп", "Džep"), ("Ђурђево", "Đurđevo")],
)
def test_to_latin_is_exact(cyrillic, latin):
    assert to_latin(cyrillic) == latin


@pytest.mark.parametrize("spelling", ["Šabac", "sabac", "SABAC", "Шабац", "  šabac "])
def test_fold_matches_every_spelling(spelling):
    assert fold(spelling) == "sabac"


def test_fold_writes_dj_for_dj():
    assert fold("Đurđevo") == "djurdjevo"
    assert fold("Ђурђево") == "djurdjevo"


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Đorđević", "djordjevic"), ("Шабац", "sabac"), ("Gornji Milanovac", "gornji-milanovac"), ("!!!", "")],
)
def test_slugify_keeps_serbian_names_readable(text, slug):
    assert slugify(text) == slug


@pytest.mark.parametrize(
    ("text", "code", "position"),
    [("a\x00b", "U+0000", 2), ("\x0bŠabac", "U+000B", 1), ("Niš\x1b[0m", "U+001B", 4), ("Ćuprija\x7f", "U+007F", 8),
     ("Zaječar\x85", "U+0085", 8)],
)  # fmt: skip
def test_control_characters_are_refused_with_their_code_and_place(text, code, position):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from portal.text import validate_no_control_characters

    with translation.override("en"), pytest.raises(ValidationError) as error:
        validate_no_control_characters(text)
    with translation.override("en"):
        assert error.value.messages == [
            f"Remove the invisible control character (code {code}) at position {position}: "
            "text may hold letters, digits, punctuation, tabs and line breaks only."
        ]


def test_tabs_line_breaks_and_serbian_letters_are_allowed():
    from portal.text import validate_no_control_characters

    assert validate_no_control_characters("Đurđevdan\tčetvrtak\r\nЉубовија – „mladi”") is None
