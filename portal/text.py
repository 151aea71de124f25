"""Serbian text: transliteration between the two scripts, and folding for search and slugs.

Cyrillic to Latin is exact, letter for letter. Latin to Cyrillic must guess whether "lj", "nj"
and "dž" are one letter or two: they are one, except in the words listed in DIGRAPH_EXCEPTIONS
(prefix + root, foreign words), which is how Serbian spell-checkers handle it too.

Latin to Cyrillic also leaves in Latin what is not Serbian, as a Cyrillic text prints it:
links, e-mail addresses, file names and extensions, markup, placeholders, codes (letters with
digits), words with a letter Serbian lacks (q, w, x, y: "Excel", "yes"), words with a capital
inside ("GeoJSON"), Roman numerals ("Kralja Petra I"), the few foreign words in FOREIGN_WORDS and, quoted on
their own, those in QUOTED_FOREIGN_WORDS („no“, „dj“).
The hour unit "h" after a number or placeholder ("4 h") is written "ч", as Cyrillic writes the hour.

`decimal_text` writes a decimal (hours) as a person writes it in the active language.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.text import slugify as django_slugify
from django.utils.translation import get_language, gettext_lazy

# Django's "sr" is Serbian in Cyrillic; "sr-latn" in Latin.
CYRILLIC_LANGUAGE = "sr"

CYRILLIC_TO_LATIN = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "Ђ": "Đ", "Е": "E", "Ж": "Ž", "З": "Z",
    "И": "I", "Ј": "J", "К": "K", "Л": "L", "Љ": "Lj", "М": "M", "Н": "N", "Њ": "Nj", "О": "O",
    "П": "P", "Р": "R", "С": "S", "Т": "T", "Ћ": "Ć", "У": "U", "Ф": "F", "Х": "H", "Ц": "C",
    "Ч": "Č", "Џ": "Dž", "Ш": "Š",
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž", "з": "z",
    "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "č", "џ": "dž", "ш": "š",
}  # fmt: skip

LATIN_TO_CYRILLIC = {latin: cyrillic for cyrillic, latin in CYRILLIC_TO_LATIN.items() if len(latin) == 1}
LATIN_DIGRAPHS = {"lj": "љ", "Lj": "Љ", "LJ": "Љ", "nj": "њ", "Nj": "Њ", "NJ": "Њ",
                  "dž": "џ", "Dž": "Џ", "DŽ": "Џ"}  # fmt: skip
# Latin letters with no Serbian Cyrillic counterpart, written the usual way.
LATIN_FOREIGN = {"q": "кју", "w": "в", "x": "кс", "y": "ј", "Q": "Кју", "W": "В", "X": "Кс", "Y": "Ј"}

# Word beginnings (lower case) where the digraph letters are two letters, not one.
DIGRAPH_EXCEPTIONS = (
    "injekc", "injunkt", "konjug", "konjunk", "konjukt", "tanjug",
    "nadživ", "nadžanr", "nadžnje", "odživ", "podžanr", "podžnj", "predžel",
    "vanjezič", "panjelin", "izvanjezi",
)  # fmt: skip

# Foreign words with only letters Serbian has: acronyms (exact) and words (any case).
FOREIGN_WORDS = frozenset({
    "CSV", "UTF", "PDF", "HTML", "URL", "HTTP", "HTTPS", "JSON", "API", "ISO", "ID", "IP", "OK", "SMS", "GET", "POST",
    "open", "initiated", "inactive", "closed", "online", "facebook", "instagram",
})  # fmt: skip
# Words Latin only when quoted on their own: a foreign word that is also a Serbian one ("no" is "but"), and
# a Latin spelling a text talks about („dj“ typed for đ; unquoted, "Dj." may be a name's initial).
QUOTED_FOREIGN_WORDS = frozenset({"no", "dj"})
_NOT_SERBIAN_LETTERS = frozenset("qwxyQWXY")
OPENING_QUOTES, CLOSING_QUOTES = "„\"“‚'", "“\"”‘'"

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
# Things that must never be transliterated: links, e-mail, markup, placeholders, file names
# and domains (letters on both sides of a dot), file extensions, codes ("RS-SABAC", "UTF-8").
_PROTECTED = re.compile(
    r"(https?://\S+|www\.\S+|(?<!\S)\S+@\S+|<[^>]*>|&#?\w+;"
    r"|%\([^)]+\)[sdif]|%[sdif]|\{\{[^}]*\}\}|\{[^}]*\}"
    r"|(?<![\w-])[^\W_][\w-]*(?:\.[^\W_][\w-]*)+"
    r"|(?<![\w.])\.[A-Za-z][A-Za-z0-9]{1,4}\b"
    r"|\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b)"
)

# The hour unit: "h" on its own after a number or a placeholder and a space ("4 h", "%(hours)s h").
# Serbian Cyrillic writes it "ч" (час), not "х".
_HOUR_UNIT = re.compile(r"(\d|%\([^)]+\)[sdif]|%[sdif]|\{\{[^}]*\}\}|\{[^}]*\})([ \u00a0])h(?![^\W_])")

# What every one of _PROTECTED's matches holds somewhere.
_MAYBE_PROTECTED = re.compile(r"[@<&%{]|://|\.[^\W\d_]|[A-Z0-9]-[A-Z0-9]")
# "dd.mm.gggg" looks like a file name but is Serbian: a date written out for the reader.
_DATE_PATTERN = re.compile(r"(?:(\w)\1*\.)+(\w)\2*")


def to_latin(text):
    """Serbian Cyrillic to Latin (exact); other characters pass through."""
    if not text:
        return text or ""
    out = []
    for index, char in enumerate(text):
        latin = CYRILLIC_TO_LATIN.get(char)
        if latin is None:
            out.append(char)
        elif len(latin) == 2 and char.isupper():
            # Љ in an all-caps word is LJ, elsewhere Lj.
            neighbours = text[max(index - 1, 0) : index] + text[index + 1 : index + 2]
            caps = any(c.isupper() for c in neighbours if c.isalpha())
            out.append(latin.upper() if caps else latin)
        else:
            out.append(latin)
    return "".join(out)


def _word_to_cyrillic(word):
    keep_pairs = word.lower().startswith(DIGRAPH_EXCEPTIONS)
    out = []
    index = 0
    while index < len(word):
        pair = word[index : index + 2]
        if not keep_pairs and pair in LATIN_DIGRAPHS:
            out.append(LATIN_DIGRAPHS[pair])
            index += 2
            continue
        char = word[index]
        out.append(LATIN_TO_CYRILLIC.get(char) or LATIN_FOREIGN.get(char, char))
        index += 1
    return "".join(out)


def _is_roman_numeral(word, text, start, end):
    """A Roman numeral, not an initial or the word "I" opening a sentence.

    Several letters ("XIV") are a numeral unless the words around are in capitals too (a heading
    "MI SMO"); one letter only after a capitalised word and not before a dot ("Petra I 67", but
    "Petar V. Petrović" and "I tada").
    """
    if not word.isupper() or not _ROMAN.fullmatch(word):
        return False
    # The neighbouring words only: reading the whole text for each numeral made a long text in capitals
    # quadratic. A word more than a line's length away does not count as a neighbour.
    before = _WORD.findall(text[max(0, start - 120) : start])[-1:]
    following = _WORD.search(text, end)
    after = [following.group()] if following and following.start() - end <= 120 else []
    if len(word) > 1:
        return not any(len(w) > 1 and w.isupper() and not _ROMAN.fullmatch(w) for w in before + after)
    return bool(before) and before[0][0].isupper() and not before[0].isupper() and not text[end:].startswith(".")


def _is_foreign(word, text, start, end):
    if not word.isalpha() or not _NOT_SERBIAN_LETTERS.isdisjoint(word):
        return True  # a code ("A1", "UTF8") or a word with a letter Serbian lacks
    if not (word.islower() or word.isupper() or word.istitle()):
        return True  # a capital inside: "GeoJSON", "OpenStreetMap"
    if word in FOREIGN_WORDS or (not word.isupper() and word.lower() in FOREIGN_WORDS):
        return True
    if word.lower() in QUOTED_FOREIGN_WORDS:
        before, after = text[start - 1 : start], text[end : end + 1]
        return bool(before and after) and before in OPENING_QUOTES and after in CLOSING_QUOTES
    return _is_roman_numeral(word, text, start, end)


def _words_to_cyrillic(text):
    def convert(match):
        word = match.group()
        return word if _is_foreign(word, text, match.start(), match.end()) else _word_to_cyrillic(word)

    return _WORD.sub(convert, text)


def cyrillic_active():
    return get_language() == CYRILLIC_LANGUAGE


def in_active_script(text):
    """Content typed in Latin (a name, or a record named by its `str()`), as the active language shows it:
    transliterated on Cyrillic pages, as it is (Latin) in Serbian Latin and English."""
    if text is None:
        return None
    return to_cyrillic(str(text)) if cyrillic_active() else str(text)


def to_cyrillic(text):
    """Serbian Latin to Cyrillic, leaving in Latin what is not Serbian (see the module's docstring)."""
    if not text:
        return text or ""
    if " h" in text or "\u00a0h" in text:  # most text has no hour unit: the regular expression is skipped
        text = _HOUR_UNIT.sub(r"\1\2ч", text)
    if not _MAYBE_PROTECTED.search(text):  # most text: a quick look saves the long expression
        return _words_to_cyrillic(text)
    parts = _PROTECTED.split(text)
    return "".join(
        part if index % 2 and not _DATE_PATTERN.fullmatch(part) else _words_to_cyrillic(part)
        for index, part in enumerate(parts)
    )


FOLD = str.maketrans({"đ": "dj", "ð": "dj", "ß": "ss", "æ": "ae", "ø": "o", "ł": "l"})


def fold(text):
    """The search form of a text: Latin script, lower case, no diacritics, single spaces.

    "Šabac", "SABAC", "sabac" and "Шабац" all fold to "sabac"; "Đurđevo" to "djurdjevo".
    """
    if not text:
        return ""
    latin = to_latin(text).lower().translate(FOLD)
    decomposed = unicodedata.normalize("NFKD", latin)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.split())


def search_fold(text):
    """The form search compares, on both sides: fold() with đ written as a plain "d".

    Many people type đ as "d" (Arandelovac, Indija), others as "dj"; fold() writes it as "dj", so "dj"
    becomes "d" too: "Aranđelovac", "Аранђеловац", "Arandjelovac" and "Arandelovac" all fold to
    "arandelovac". The few words with a real d+j ("podjela") fold so as well, on both sides alike.
    Every `search_text` column holds this form; slugs keep fold()'s "dj".
    """
    return fold(text).replace("dj", "d")


# The Serbian alphabets in their own order (the Latin one with the letters foreign words bring, where
# the Latin alphabet has them): a list of names sorts as a Serbian reader looks for it.
LATIN_ALPHABET = ["a", "b", "c", "č", "ć", "d", "dž", "đ", "e", "f", "g", "h", "i", "j", "k", "l", "lj", "m", "n",
                  "nj", "o", "p", "q", "r", "s", "š", "t", "u", "v", "w", "x", "y", "z", "ž"]  # fmt: skip
CYRILLIC_ALPHABET = ["а", "б", "в", "г", "д", "ђ", "е", "ж", "з", "и", "ј", "к", "л", "љ", "м", "н", "њ", "о", "п",
                     "р", "с", "т", "ћ", "у", "ф", "х", "ц", "ч", "џ", "ш"]  # fmt: skip
_LATIN_RANKS = {letter: rank for rank, letter in enumerate(LATIN_ALPHABET)}
_CYRILLIC_RANKS = {letter: rank for rank, letter in enumerate(CYRILLIC_ALPHABET)}
_LATIN_LETTERS = re.compile(r"dž|lj|nj|.", re.DOTALL)
_ANY_LETTER = re.compile(r".", re.DOTALL)


def collation_key(text):
    """A sort key that orders names by the Serbian alphabet of the active language's script (Latin
    for English): "Region Šumadije" before "Region Vojvodine", "Војводина, Јужна, Централна". The text
    is first put in that script. Spaces and punctuation come first, then digits, then letters; a
    letter of neither alphabet sorts as its base letter (é as e) or after the alphabet; case only
    breaks ties. "dž", "lj" and "nj" are one letter, even in the rare prefixed word ("nadživeti").
    No ICU: the lists sorted so are short (regions, districts), and the alphabets are fixed."""
    text = str(text or "")
    text = to_cyrillic(text) if cyrillic_active() else to_latin(text)
    ranks, letters = (_CYRILLIC_RANKS, _ANY_LETTER) if cyrillic_active() else (_LATIN_RANKS, _LATIN_LETTERS)
    key = []
    for match in letters.finditer(text.casefold()):
        letter = match.group()
        if letter in ranks:
            key.append(1000 + ranks[letter])
        elif letter.isspace():
            key.append(0)
        elif letter.isdigit():
            key.append(100 + int(letter) if letter.isascii() else 100)
        elif not letter.isalpha():
            key.append(1 + min(ord(letter), 98))
        else:
            base = unicodedata.normalize("NFKD", letter)[0]
            key.append(1000 + ranks[base] if base in ranks else 2000 + ord(letter))
    return tuple(key), text


def slugify(text):
    """A URL slug that keeps Serbian names readable: "Đorđević" → "djordjevic", "Шабац" → "sabac"."""
    return django_slugify(fold(text))


# C0 controls but tab, line feed and carriage return (a text area sends "\r\n"), DEL and the C1 controls:
# invisible, they break exports (.xlsx refuses them) and can hide text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def validate_no_control_characters(value):
    """Refuse invisible control characters; tabs and line breaks are allowed."""
    if isinstance(value, str) and (match := CONTROL_CHARACTERS.search(value)):
        raise ValidationError(
            gettext_lazy(
                "Remove the invisible control character (code %(code)s) at position %(position)s: "
                "text may hold letters, digits, punctuation, tabs and line breaks only."
            ),
            code="control_character",
            params={"code": f"U+{ord(match.group()):04X}", "position": match.start() + 1},
        )


def decimal_text(value):
    """A decimal as a person writes it in the active language: 2,5 in Serbian, 2.5 in English, 12 not 12.0.
    Hours and other decimal counts are shown this way everywhere: in messages, in the .xlsx and, through
    the `decimal_text` template filter, on pages."""
    return number_format(value.to_integral() if value == value.to_integral() else value.normalize())
