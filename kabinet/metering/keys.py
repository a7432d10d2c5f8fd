"""The stored matching key of a meter's serial, which the Check step compares with what a
subscriber types: spaces, dashes, case and Latin look-alikes ignored (В-14 = b14)."""

from kabinet.addresses.normalize import fold_account_number, fold_name


def meter_serial_key(serial: str) -> str:
    """Fold a meter's serial the way the Check step matches it."""
    return fold_name(fold_account_number(serial)).replace(" ", "")
