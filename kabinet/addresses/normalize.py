"""Folding of what people type and what billing files hold, so that the two can be matched.

The one place where house numbers, street names, apartments, surnames and account numbers are
brought to a comparable key. The importer stores these keys; registration folds what the
subscriber typed with the same functions, so both sides always agree.
"""

import re
import unicodedata
from dataclasses import dataclass

# Every apostrophe people and legacy systems use in Ukrainian names (Кондрат'єв, О’Браєн).
APOSTROPHES = "'’ʼ`´‘ʹ′ꞌ\u02bb\u02bc\u2019\u0060"

# Latin letters that legacy files and hurried typists put where a Cyrillic look-alike belongs.
# cp866 has no Ukrainian і, so DOS-era billing stored a Latin i; the rest are keyboard slips.
LATIN_TO_CYRILLIC = str.maketrans(
    {
        "a": "а",
        "b": "в",
        "c": "с",
        "e": "е",
        "h": "н",
        "i": "і",
        "k": "к",
        "m": "м",
        "o": "о",
        "p": "р",
        "t": "т",
        "x": "х",
        "y": "у",
    }
)

STREET_TYPE_WORDS = {
    "вул",
    "вулиця",
    "ул",
    "улица",
    "просп",
    "проспект",
    "пр",
    "прт",
    "пр-т",
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
    "наб",
    "набережна",
    "набережная",
    "узвіз",
    "спуск",
    "майдан",
    "алея",
    "аллея",
    "проїзд",
    "проезд",
    "str",
    "street",
    "st",
    "ave",
    "avenue",
}

HOUSE_PREFIXES = re.compile(r"^(?:буд(?:инок)?|дом|д)\.?\s*", re.IGNORECASE)
APARTMENT_PREFIXES = re.compile(r"^(?:кв(?:артира)?|apt|ap)\.?\s*", re.IGNORECASE)
KORPUS_PREFIXES = re.compile(r"^(?:корп(?:ус)?|к)\.?\s*", re.IGNORECASE)
KORPUS_INSIDE_HOUSE = re.compile(r"^(.*?\S)\s*,?\s*(?:корп(?:ус)?\.?|к\.)\s*(\S+)$", re.IGNORECASE)
SEPARATORS = re.compile(r"[\s\-‐‑–—.]+")
NOT_WORD = re.compile(r"[^\w]+")


def _base_fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate({ord(ch): None for ch in APOSTROPHES})
    return text.replace("ё", "е")


def fold_name(text: str) -> str:
    """Fold a surname (or any personal name) for matching.

    Case, ё/е, every kind of apostrophe and the Latin look-alikes of Cyrillic letters are
    ignored; spaces collapse to one. Nothing looser: і and и stay different letters.
    """
    folded = _base_fold(text).translate(LATIN_TO_CYRILLIC)
    return " ".join(folded.split())


def fold_street(text: str) -> str:
    """Fold a street name, dropping the type word (вул., просп., ...) and punctuation."""
    folded = _base_fold(text).translate(LATIN_TO_CYRILLIC)
    words = [word for word in NOT_WORD.split(folded.replace("-", " ")) if word]
    latin_folded_types = {
        w.translate(LATIN_TO_CYRILLIC).replace("-", "") for w in STREET_TYPE_WORDS
    }
    kept = [word for word in words if word not in latin_folded_types]
    # A name that is nothing but a type word ("Шосе") keeps its words.
    return " ".join(kept or words)


def _fold_number(text: str) -> str:
    """`101А`, `101 а`, `101-а` and `101a` (Latin) all become `101а`."""
    folded = _base_fold(text).translate(LATIN_TO_CYRILLIC)
    return SEPARATORS.sub("", folded)


@dataclass(frozen=True)
class HouseNumber:
    house: str
    korpus: str


def split_house(house: str, korpus: str = "") -> HouseNumber:
    """Split a typed house number into house and korpus, as written (trimmed).

    `12/3` is house 12, korpus 3; `12 корп. 3` too. An explicit korpus wins over the fraction
    only when the fraction is absent.
    """
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
    return _fold_number(HOUSE_PREFIXES.sub("", text.strip()))


def fold_korpus(text: str) -> str:
    return _fold_number(KORPUS_PREFIXES.sub("", text.strip()))


def fold_apartment(text: str) -> str:
    """Fold an apartment: `кв. 5а`, `5 А` and `5-а` are all `5а`."""
    return _fold_number(APARTMENT_PREFIXES.sub("", text.strip()))


def fold_account_number(text: str) -> str:
    """Drop the spaces and dashes people type into account numbers; leading zeros stay."""
    return SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
