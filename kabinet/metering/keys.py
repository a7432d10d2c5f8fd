"""The stored matching key of a meter's serial, which the Check step compares with what a
subscriber types: spaces, dashes, case and Latin look-alikes ignored (В-14 = b14)."""

from kabinet.addresses.normalize import (
    LATIN_TO_CYRILLIC,
    fold_account_number,
    fold_name,
)


def meter_serial_key(serial: str) -> str:
    """Fold a meter's serial the way the Check step matches it."""
    if serial.isalnum() and serial.isascii():
        # Most serials (the importer folds every one): for ASCII letters and digits the folds
        # below come down to this, at a fraction of the cost (test_keys holds the two together).
        return serial.lower().translate(LATIN_TO_CYRILLIC)
    return fold_name(fold_account_number(serial)).replace(" ", "")
