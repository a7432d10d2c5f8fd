"""Folding of what people type and what billing files hold, so that the two can be matched.

The one place where house numbers, street names, apartments, surnames and account numbers are
brought to a comparable key. The importer stores these keys; registration folds what the
subscriber typed with the same functions, so both sides always agree.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

# Every apostrophe people and legacy systems use in Ukrainian names (Кондрат'єв, О’Браєн).
APOSTROPHES = "'’ʼ`´‘ʹ′ꞌ\u02bb\u02bc\u2019\u0060\u02b9\u2032\uff07"
_DROP_APOSTROPHES = {ord(ch): None for ch in APOSTROPHES}

# Stress marks and other combining accents that no precomposed letter absorbed (Ко́валенко).
# Ukrainian й and ї survive: NFKC composes them into single letters before this runs.
_COMBINING_MARKS = re.compile(r"[\u0300-\u036f]")

# Latin letters that legacy files and hurried typists put where a Cyrillic look-alike belongs.
# cp866 has no Ukrainian і, so DOS-era billing stored a Latin i (and ï for ї); the rest are
# keyboard-layout slips between letters that look the same. Applied after case folding, so
# each entry stands for both cases (Latin B looks like В, H like Н, M like М, T like Т).
LATIN_TO_CYRILLIC = str.maketrans(
    {
        "a": "а",
        "b": "в",
        "c": "с",
        "e": "е",
        "h": "н",
        "i": "і",
        "ï": "ї",
        "k": "к",
        "m": "м",
        "o": "о",
        "p": "р",
        "t": "т",
        "x": "х",
        "y": "у",
    }
)

# Street type words, folded (no dots, no apostrophes). Hyphenated abbreviations (пр-т, б-р)
# are listed with their hyphen: they are removed before hyphens turn into spaces.
STREET_TYPE_WORDS = frozenset(
    {
        "вул",
        "вулиця",
        "ул",
        "улица",
        "просп",
        "проспект",
        "пр",
        "прт",
        "пр-т",
        "пр-кт",
        "пров",
        "провулок",
        "пер",
        "переулок",
        "бульв",
        "бульвар",
        "бул",
        "б-р",
        "бр",
        "пл",
        "площа",
        "площадь",
        "туп",
        "тупик",
        "шосе",
        "шоссе",
        "ш",
        "наб",
        "набережна",
        "набережная",
        "узвіз",
        "узв",
        "спуск",
        "майдан",
        "мкрн",
        "мкр",
        "мікрорайон",
        "микрорайон",
        "алея",
        "аллея",
        "проїзд",
        "проезд",
        "в'їзд",
        "въезд",
        "str",
        "street",
        "st",
        "ave",
        "avenue",
    }
)

HOUSE_PREFIXES = re.compile(r"^(?:буд(?:инок)?|дом|д)\.?\s*(?=\d)", re.IGNORECASE)
KORPUS_PREFIXES = re.compile(r"^(?:корп(?:ус)?|к)\.?\s*(?=\w)", re.IGNORECASE)
KORPUS_INSIDE_HOUSE = re.compile(r"^(.*?\S)\s*,?\s*(?:корп(?:ус)?\.?|к\.)\s*(\S+)$", re.IGNORECASE)
# The same prefixes once folded (no dots, no spaces, Latin look-alikes made Cyrillic: `apt` is
# `арт`), stripped after folding so that folding twice changes nothing.
FOLDED_HOUSE_PREFIX = re.compile(r"^(?:будинок|буд|дом|д)+(?=\d)")
FOLDED_KORPUS_PREFIX = re.compile(r"^(?:корпус|корп|к)+(?=\w)")
FOLDED_APARTMENT_PREFIX = re.compile(r"^(?:квартира|кв|арт|ар)+(?=\w)")
SEPARATORS = re.compile(r"[\s\-‐‑–—.]+")
DASHES = re.compile(r"[‐‑‒–—−]")
NOT_WORD = re.compile(r"[^\w-]+")


def _base_fold(text: str) -> str:
    """Case, compatibility forms, apostrophes, stress marks and ё/е, in a stable order."""
    text = text.translate(_DROP_APOSTROPHES)
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    # NFKC turns some apostrophes (´) into a space and a combining accent: drop both kinds.
    text = _COMBINING_MARKS.sub("", text.translate(_DROP_APOSTROPHES))
    return text.replace("ё", "е")


def _looks_cyrillic(text: str) -> str:
    return _base_fold(text).translate(LATIN_TO_CYRILLIC)


@functools.lru_cache(maxsize=8192)
def fold_name(text: str) -> str:
    """Fold a surname (or any personal name) for matching.

    Case, ё/е, every kind of apostrophe and the Latin look-alikes of Cyrillic letters are
    ignored; spaces collapse to one. Nothing looser: і and и stay different letters.
    """
    return " ".join(_looks_cyrillic(text).split())


_FOLDED_TYPE_WORDS = frozenset(_looks_cyrillic(word) for word in STREET_TYPE_WORDS)


@functools.lru_cache(maxsize=8192)
def fold_street(text: str) -> str:
    """Fold a street name, dropping the type word (вул., просп., пр-т, ...) and punctuation.

    The type word goes whether it stands before or after the name; a name that is nothing
    but a type word ("Шосе") keeps it. Hyphens inside a name count as spaces.
    """
    folded = DASHES.sub("-", _looks_cyrillic(text))
    words: list[str] = []
    for token in NOT_WORD.split(folded):
        token = token.strip("-")
        if token in _FOLDED_TYPE_WORDS:
            words.append(token)  # пр-т, б-р: one word with its hyphen
        else:
            words.extend(part for part in token.split("-") if part)
    while len(words) > 1 and words[0] in _FOLDED_TYPE_WORDS:
        words.pop(0)
    while len(words) > 1 and words[-1] in _FOLDED_TYPE_WORDS:
        words.pop()
    return " ".join(words)


def _fold_number(text: str) -> str:
    """`101А`, `101 а`, `101-а` and `101a` (Latin) all become `101а`."""
    if not text or (text.isdigit() and text.isascii()):
        return text  # the common cases, already folded
    return SEPARATORS.sub("", _looks_cyrillic(text))


@dataclass(frozen=True)
class HouseNumber:
    house: str
    korpus: str


def split_house(house: str, korpus: str = "") -> HouseNumber:
    """Split a typed house number into house and korpus, as written (trimmed).

    `12/3` is house 12, korpus 3; `12 корп. 3` too. An explicit korpus wins over the fraction
    only when the fraction is absent.
    """
    plain_korpus = not korpus or (korpus.isascii() and korpus.isdigit())
    if house.isdigit() and house.isascii() and plain_korpus:
        return HouseNumber(house=house, korpus=korpus.strip())  # the common case: 12, 12 + 3
    house = HOUSE_PREFIXES.sub("", house.strip()).strip()
    korpus = KORPUS_PREFIXES.sub("", korpus.strip()).strip()
    if "/" in house:
        house, _, fraction = house.partition("/")
        house, fraction = house.strip(), fraction.strip()
        if fraction and not korpus:
            korpus = fraction
    else:
        inside = KORPUS_INSIDE_HOUSE.match(house)
        if inside and not korpus:
            house, korpus = inside.group(1).strip(), inside.group(2).strip()
    return HouseNumber(house=house, korpus=korpus)


def fold_house(text: str) -> str:
    """Fold a house number without its fraction: `101 а` -> `101а`."""
    if text.isdigit() and text.isascii():
        return text
    return FOLDED_HOUSE_PREFIX.sub("", _fold_number(text))


def fold_korpus(text: str) -> str:
    """Fold a korpus (the part after `/`): `корп. 3` -> `3`, `Б` -> `б`."""
    if not text or (text.isdigit() and text.isascii()):
        return text
    return FOLDED_KORPUS_PREFIX.sub("", _fold_number(text))


def fold_apartment(text: str) -> str:
    """Fold an apartment: `кв. 5а`, `5 А` and `5-а` are all `5а`."""
    if not text or (text.isdigit() and text.isascii()):
        return text
    return FOLDED_APARTMENT_PREFIX.sub("", _fold_number(text))


def fold_account_number(text: str) -> str:
    """Drop the spaces and dashes people type into account numbers; leading zeros stay."""
    text = SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    # Once the separators are gone an accent may sit next to its letter: compose it now, so
    # that folding a key again gives the same key.
    return unicodedata.normalize("NFKC", text.upper())
