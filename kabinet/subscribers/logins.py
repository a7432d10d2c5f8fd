"""The rules of a subscriber's login name, and its skeleton for uniqueness.

A login is letters of ONE script (Latin or Cyrillic), digits and `.`, `_`, `-`. Two logins are
the same login when they differ only in case or in Unicode look-alikes (the skeleton of UTS #39,
built from the Unicode confusables table that confusable-homoglyphs ships).
"""

import unicodedata
from functools import cache

from confusable_homoglyphs.confusables import confusables_data
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LOGIN_MIN_LENGTH = 3
LOGIN_MAX_LENGTH = 150
LOGIN_PUNCTUATION = "._-"


@cache
def _prototypes() -> dict[str, str]:
    """Map each character to one representative of its look-alike class.

    The confusables table pairs characters; the pairs are joined into classes (union-find) and
    every member maps to the class's smallest code point, so Cyrillic `а` and Latin `a` share
    one prototype whichever the table lists first.
    """
    parent: dict[str, str] = {}

    def find(char: str) -> str:
        while parent.get(char, char) != char:
            char = parent[char]
        return char

    for char, homoglyphs in confusables_data.items():
        if len(char) != 1:
            continue
        for homoglyph in homoglyphs:
            other = homoglyph["c"]
            if len(other) != 1:
                continue
            root_a, root_b = find(char), find(other)
            if root_a != root_b:
                parent[max(root_a, root_b)] = min(root_a, root_b)
    return {char: find(char) for char in parent}


def login_skeleton(login: str) -> str:
    """Return the login folded by case and look-alikes: equal skeletons are one login."""
    prototypes = _prototypes()
    folded = unicodedata.normalize("NFKC", login).casefold()
    skeleton = "".join(prototypes.get(char, char) for char in folded)
    return unicodedata.normalize("NFKC", skeleton)


def _script(char: str) -> str | None:
    """Return "latin" or "cyrillic" for a letter of those scripts, None for anything else."""
    name = unicodedata.name(char, "")
    if name.startswith("LATIN "):
        return "latin"
    if name.startswith("CYRILLIC "):
        return "cyrillic"
    return None


def login_validate(login: str) -> None:
    """Check a login against the rules; raises ValidationError naming the broken rule."""
    if len(login) < LOGIN_MIN_LENGTH:
        raise ValidationError(
            _("A login has at least %(min)d characters."),
            code="login_short",
            params={"min": LOGIN_MIN_LENGTH},
        )
    if len(login) > LOGIN_MAX_LENGTH:
        raise ValidationError(
            _("A login has at most %(max)d characters."),
            code="login_long",
            params={"max": LOGIN_MAX_LENGTH},
        )
    scripts = set()
    for char in login:
        if char in LOGIN_PUNCTUATION or (char.isascii() and char.isdigit()):
            continue
        script = _script(char) if char.isalpha() else None
        if script is None:
            raise ValidationError(
                _(
                    "A login may hold only letters, digits and the signs . _ - "
                    "(“%(char)s” is not allowed)."
                ),
                code="login_character",
                params={"char": char},
            )
        scripts.add(script)
    if len(scripts) > 1:
        raise ValidationError(
            _("Use letters of one alphabet in a login: either Latin or Cyrillic, not both."),
            code="login_mixed_script",
        )
