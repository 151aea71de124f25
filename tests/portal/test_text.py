import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from portal.text import collation_key, fold, search_fold, slugify, to_cyrillic, to_latin


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
    ("latin", "cyrillic"),
    [
        # Foreign words, brand names and file extensions stay Latin.
        ("Excel (.xlsx) ili CSV (.csv) datoteka.", "Excel (.xlsx) или CSV (.csv) датотека."),
        ("CSV datoteka mora biti sačuvana u kodiranju UTF-8.", "CSV датотека мора бити сачувана у кодирању UTF-8."),
        ("(ili open, initiated, inactive, closed)", "(или open, initiated, inactive, closed)"),
        ("Facebook stranica, Instagram profil", "Facebook страница, Instagram профил"),
        ("GeoJSON i OpenStreetMap", "GeoJSON и OpenStreetMap"),
        # "no" is Serbian ("but") unless quoted on its own; "yes" has a letter Serbian lacks.
        ("Upišite „da“ ili „ne“ (može i „yes“ ili „no“).", "Упишите „да“ или „не“ (може и „yes“ или „no“)."),
        ("no to nije sve", "но то није све"),
        # "dj" written for đ, quoted as a spelling, stays Latin.
        ("(đ, „dj“ i d čitaju se isto)", "(ђ, „dj“ и д читају се исто)"),
        # File names, domains, codes and placeholders.
        ("Fajl izvoz-2024.csv je tu.", "Фајл izvoz-2024.csv је ту."),
        ("Šifra RS-SABAC ili RS-07, ćelija A1", "Шифра RS-SABAC или RS-07, ћелија A1"),
        ("%(count)s kancelarija za {name}", "%(count)s канцеларија за {name}"),
        # A date written out for the reader is Serbian.
        ("u obliku dd.mm.gggg", "у облику дд.мм.гггг"),
        # Roman numerals, but not initials, the conjunction "i" or headings in capitals.
        ("Kralja Petra I 67", "Краља Петра I 67"),
        ("Aleksandra II, XIV vek", "Александра II, XIV век"),
        ("Petar V. Petrović", "Петар В. Петровић"),
        ("I tada je počelo", "И тада је почело"),
        ("MI SMO TU", "МИ СМО ТУ"),
    ],
)
def test_to_cyrillic_leaves_what_is_not_serbian_in_latin(latin, cyrillic):
    assert to_cyrillic(latin) == cyrillic


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Najviše %(hours)s h: koliko traje sesija.", "Највише %(hours)s ч: колико траје сесија."),
        ("od 0 do %(hours)s h za sesiju", "од 0 до %(hours)s ч за сесију"),
        ("Trajanje: 4 h.", "Трајање: 4 ч."),
        ("2,5 h, ukupno 12\u00a0h", "2,5 ч, укупно 12\u00a0ч"),
        ("{{ hours }} h", "{{ hours }} ч"),
        ("h", "х"),
        ("4 hotela", "4 хотела"),
        ("4h", "4h"),
        ("plan h i", "план х и"),
        ("Hleb 4 H", "Хлеб 4 Х"),
    ],
)
def test_to_cyrillic_writes_the_hour_unit_as_ch_and_other_h_as_h(latin, cyrillic):
    assert to_cyrillic(latin) == cyrillic


def _catalogue(language):
    return polib.mofile(str(Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.mo"))


def test_cyrillic_catalogue_follows_the_latin_one():
    def texts(language):
        return {(e.msgctxt, e.msgid): [e.msgstr, *e.msgstr_plural.values()] for e in _catalogue(language)}

    expected = {key: [to_cyrillic(text) for text in latin] for key, latin in texts("sr_Latn").items()}
    assert texts("sr") == expected


@pytest.mark.parametrize(
    "mistake", ["кслскс", "цсв", "ЦСВ", "Ексцел", "УТФ", "опен", "цлосед", "јес", "„но“", "Фацебоок", "дј"]
)
def test_cyrillic_catalogue_has_no_transliterated_foreign_word(mistake):
    texts = [entry.msgstr for entry in _catalogue("sr")] + [
        text for entry in _catalogue("sr") for text in entry.msgstr_plural.values()
    ]
    # A whole word: "јес" ("yes" written in Cyrillic) is a mistake, "јесу" (Serbian "are") is not.
    found = re.compile(rf"(?<!\w){re.escape(mistake)}(?!\w)")
    assert [text for text in texts if found.search(text)] == []


def test_cyrillic_catalogue_writes_the_hour_unit_as_ch():
    texts = [entry.msgstr for entry in _catalogue("sr")] + [
        text for entry in _catalogue("sr") for text in entry.msgstr_plural.values()
    ]
    hour_as_h = re.compile(r"(?:\d|%\([^)]+\)[sdif])\s+х(?!\w)")
    hour_as_ch = re.compile(r"%\([^)]+\)[sdif]\s+ч(?!\w)")
    assert [text for text in texts if hour_as_h.search(text)] == []
    assert len([text for text in texts if hour_as_ch.search(text)]) >= 6


def test_the_foreign_word_check_tells_a_serbian_word_from_a_transliterated_one():
    found = re.compile(r"(?<!\w)јес(?!\w)")
    assert found.search("(може и „јес“ или „но“)")
    assert not found.search("Ова уверења остају каква јесу:")


# One Serbian word for each of the programme's terms, everywhere (the admin, /me/, the public pages,
# the PDF): the word on the left of each pair in an English msgid is said with the word on the right.
TERMS = [("session", "sesij"), ("certificate", "uverenj"), ("cohort", "grup"), ("survey", "upitnik")]
# Words the user trial found for the same terms; the programme does not use them.
OTHER_WORDS = ["sertifikat", "certifikat", "susret", "istraživanj", "kohort"]


def _latin_texts():
    return [
        (entry.msgid, text)
        for entry in _catalogue("sr_Latn")
        for text in [entry.msgstr, *entry.msgstr_plural.values()]
        if text
    ]


@pytest.mark.parametrize(("english", "serbian"), TERMS)
def test_latin_catalogue_says_each_term_with_one_word(english, serbian):
    # A message that only names a thing by its placeholder, "%(session)s", needs no word for it.
    named = [(msgid, text) for msgid, text in _latin_texts() if re.search(rf"(?<!%\(){english}", msgid, re.IGNORECASE)]
    assert len(named) > 5
    assert [(msgid, text) for msgid, text in named if serbian not in text.lower()] == []


def test_latin_catalogue_has_none_of_the_other_words():
    assert [(msgid, text) for msgid, text in _latin_texts() if any(w in text.lower() for w in OTHER_WORDS)] == []


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
    "spelling", ["Aranđelovac", "ARANĐELOVAC", "Аранђеловац", "АРАНЂЕЛОВАЦ", "Arandjelovac", "arandelovac"]
)
def test_search_fold_makes_d_dj_and_dj_letter_one(spelling):
    assert search_fold(spelling) == "arandelovac"


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


# Sorting names by the Serbian alphabet of the active script (portal.text.collation_key)


@pytest.mark.parametrize(
    ("language", "names", "ordered"),
    [
        ("sr-latn", ["Region Vojvodine", "Region Šumadije", "Region Južne Srbije", "Beogradski region"],
         ["Beogradski region", "Region Južne Srbije", "Region Šumadije", "Region Vojvodine"]),
        # č, ć after c; dž, đ after d; lj after l; nj after n; ž after z; case only breaks ties
        ("sr-latn", ["Žabalj", "Zrenjanin", "Ćuprija", "Čačak", "Crna Trava", "Đakovica", "Džep", "Despotovac",
                     "Ljig", "Lučani", "Njegoš", "Novi Sad", "novi Sad"],
         ["Crna Trava", "Čačak", "Ćuprija", "Despotovac", "Džep", "Đakovica", "Lučani", "Ljig", "Novi Sad",
          "novi Sad", "Njegoš", "Zrenjanin", "Žabalj"]),
        # Cyrillic in the azbuka's order, whatever the script the names were typed in
        ("sr", ["Централна Србија", "Vojvodina", "Јужна Србија", "Šabac", "Ћуприја", "Џеп", "Чачак"],
         ["Vojvodina", "Јужна Србија", "Ћуприја", "Централна Србија", "Чачак", "Џеп", "Šabac"]),
        # English: the names are Serbian, in Latin
        ("en", ["Vojvodina Region", "Šumadija and Western Serbia Region", "Southern and Eastern Serbia Region"],
         ["Southern and Eastern Serbia Region", "Šumadija and Western Serbia Region", "Vojvodina Region"]),
        # spaces and punctuation before letters, digits before letters, a prefix first
        ("sr-latn", ["Novi Sad", "Novi", "Novi-Beograd", "Novigrad", "1. maj", "Éclair", "Ecka"],
         ["1. maj", "Ecka", "Éclair", "Novi", "Novi Sad", "Novi-Beograd", "Novigrad"]),
    ],
)  # fmt: skip
def test_collation_key_sorts_by_the_serbian_alphabet_of_the_active_script(language, names, ordered):
    with translation.override(language):
        assert sorted(names, key=collation_key) == ordered


def test_collation_key_of_nothing_sorts_first():
    with translation.override("sr-latn"):
        assert sorted(["a", "", None], key=collation_key) == ["", None, "a"]
