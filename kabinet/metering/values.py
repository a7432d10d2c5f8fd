"""Reading values as people type them: `612,204`, `612.204`, ` 00612 `, `٦١٢٫٢٠٤`."""

import re
import unicodedata
from decimal import Decimal

# Longer input than this is not a reading, whatever it holds; checked before any parsing so
# that 400 digits cost nothing.
MAX_INPUT_LENGTH = 32

# The Arabic decimal separator, beside the comma and the dot.
DECIMAL_SEPARATORS = {",", ".", "\u066b"}
# Spaces people put between thousands or around the number.
SPACES = {" ", "\u00a0", "\u202f", "\u2009", "\t"}

NUMBER_RE = re.compile(r"^(\d*)(?:\.(\d*))?$")


class ValueProblem(ValueError):
    """What is wrong with typed text: `code` is empty, too_long, negative or not_a_number."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def normalise_digits(text: str) -> str:
    """Return `text` with every decimal digit of any script as an ASCII digit, separators as `.`.

    Arabic-Indic (٣٤٥) and other scripts' digits are what some phone keyboards type; the meter
    shows the same number, so they are accepted.
    """
    characters = []
    for character in text:
        if character in SPACES:
            continue
        if character in DECIMAL_SEPARATORS:
            characters.append(".")
            continue
        digit = unicodedata.decimal(character, None)
        characters.append(str(digit) if digit is not None else character)
    return "".join(characters)


def parse_value(text: str | Decimal | int) -> Decimal:
    """Return the Decimal a person typed; raises ValueProblem."""
    if isinstance(text, Decimal | int):
        text = str(text)
    raw = text.strip()
    if not raw:
        raise ValueProblem("empty")
    if len(raw) > MAX_INPUT_LENGTH:
        raise ValueProblem("too_long")
    cleaned = normalise_digits(raw)
    if cleaned.startswith(("-", "\u2212")):
        raise ValueProblem("negative")
    match = NUMBER_RE.match(cleaned)
    if not match or not (match.group(1) or match.group(2)):
        raise ValueProblem("not_a_number")
    return Decimal(f"{match.group(1) or '0'}.{match.group(2) or '0'}")


def decimal_places(value: Decimal) -> int:
    """Return how many digits after the point `value` needs (trailing zeros do not count)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
