"""The stored matching key of a meter's serial, which the Check step compares with what a
subscriber types: spaces, dashes, case and Latin look-alikes ignored (В-14 = b14)."""

import re

from kabinet.addresses.normalize import (
    LATIN_TO_CYRILLIC,
    fold_account_number,
    fold_name,
)

# The Latin letters that fold into their Cyrillic look-alikes.
_LOOK_ALIKE = re.compile("[" + "".join(chr(code) for code in LATIN_TO_CYRILLIC) + "]")


def meter_serial_key(serial: str) -> str:
    """Fold a meter's serial the way the Check step matches it."""
    if serial.isalnum() and serial.isascii():
        # Most serials (the importer folds every one): for ASCII letters and digits the folds
        # below come down to this, at a fraction of the cost (test_keys holds the two together).
        lower = serial.lower()
        return lower.translate(LATIN_TO_CYRILLIC) if _LOOK_ALIKE.search(lower) else lower
    return fold_name(fold_account_number(serial)).replace(" ", "")
