"""The meter serial's stored key: the ASCII shortcut folds as the full folds do."""

from hypothesis import given
from hypothesis import strategies as st

from kabinet.addresses.normalize import fold_account_number, fold_name
from kabinet.metering.keys import meter_serial_key

SERIAL_CHARACTERS = "AaBbCcEeHhKkMmOoPpTtXxYyIiSsNnZz0123456789 -.В'ʼ№і"


@given(st.text(alphabet=SERIAL_CHARACTERS, max_size=14))
def test_the_shortcut_gives_what_the_full_folds_give(serial):
    assert meter_serial_key(serial) == fold_name(fold_account_number(serial)).replace(" ", "")


def test_a_serial_typed_with_latin_look_alikes_spaces_and_dashes_has_the_stored_key():
    assert meter_serial_key("b-14 02377") == meter_serial_key("В-1402377")
    assert meter_serial_key("B1402378") != meter_serial_key("В-1402377")
