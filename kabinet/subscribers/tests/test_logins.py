"""Login names: one script, a few signs, unique ignoring case and look-alikes; and the folds."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from kabinet.addresses.normalize import (
    fold_account_number,
    fold_house,
    fold_name,
    split_house,
)
from kabinet.subscribers.logins import login_skeleton, login_validate
from kabinet.subscribers.passwords import HolderNameSimilarityValidator

LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
CYRILLIC = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯёЁыЫэЭъ"
SIGNS = "0123456789._-"


@pytest.mark.parametrize("login", ["olena.koval", "олена_2", "Ivan-1985", "ПЕТРО", "a.b-c_9"])
def test_letters_of_one_script_digits_and_three_signs_make_a_login(login):
    login_validate(login)


@pytest.mark.parametrize(
    ("login", "code"),
    [
        ("olenа", "login_mixed_script"),  # the last letter is Cyrillic
        ("Пetro", "login_mixed_script"),
        ("olena koval", "login_character"),
        ("olena@home", "login_character"),
        ("ολγα", "login_character"),
        ("ab", "login_short"),
        ("x" * 151, "login_long"),
    ],
)
def test_a_login_breaking_a_rule_is_refused_with_the_rule_named(login, code):
    with pytest.raises(ValidationError) as refused:
        login_validate(login)

    assert refused.value.code == code


@given(st.text(alphabet=LATIN + SIGNS, min_size=3, max_size=40))
def test_any_latin_login_is_accepted(login):
    login_validate(login)


@given(st.text(alphabet=CYRILLIC + SIGNS, min_size=3, max_size=40))
def test_any_cyrillic_login_is_accepted(login):
    login_validate(login)


@given(
    st.text(alphabet=LATIN, min_size=1, max_size=10),
    st.text(alphabet=CYRILLIC, min_size=1, max_size=10),
)
def test_latin_and_cyrillic_letters_in_one_login_are_refused(latin, cyrillic):
    with pytest.raises(ValidationError):
        login_validate(latin + "." + cyrillic)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("olena", "OLENA"),
        ("olena", "оlena"),  # Cyrillic о
        ("paypal", "раураl"),  # Cyrillic р, а, у
        ("petro", "реtrо"),
        ("ivan1", "ivanl"),
    ],
)
def test_logins_that_differ_only_in_case_or_look_alikes_share_a_skeleton(first, second):
    assert login_skeleton(first) == login_skeleton(second)


@pytest.mark.parametrize(("first", "second"), [("olena", "olenka"), ("іван", "иван")])
def test_different_logins_keep_different_skeletons(first, second):
    assert login_skeleton(first) != login_skeleton(second)


@given(st.text(alphabet=LATIN + CYRILLIC + SIGNS, min_size=1, max_size=30))
def test_the_skeleton_ignores_case(login):
    assert login_skeleton(login.upper()) == login_skeleton(login.lower())


def test_a_look_alike_of_a_taken_login_cannot_be_saved_twice(django_user_model):
    from django.db import IntegrityError, transaction

    django_user_model.objects.create_user("olena", "a@example.com", "x")

    with pytest.raises(IntegrityError), transaction.atomic():
        django_user_model.objects.create_user("оlena", "b@example.com", "x")


def test_a_password_close_to_the_holders_surname_is_refused():
    holder = type("Signup", (), {"holder_names": ["Коваленко", "Олена"], "pk": None})()

    with pytest.raises(ValidationError):
        HolderNameSimilarityValidator().validate("коваленко1", holder)
    HolderNameSimilarityValidator().validate("зелений чайник співає", holder)


# --- the folds the Check step relies on -----------------------------------------------------

digits = st.text(alphabet="0123456789", min_size=1, max_size=12)


@given(digits, st.lists(st.sampled_from([" ", "-", "  ", " - "]), max_size=4), st.data())
def test_spaces_and_dashes_anywhere_in_an_account_number_are_ignored(number, seps, data):
    typed = number
    for sep in seps:
        position = data.draw(st.integers(0, len(typed)))
        typed = typed[:position] + sep + typed[position:]

    assert fold_account_number(typed) == fold_account_number(number)


@given(digits)
def test_leading_zeros_of_an_account_number_are_significant(number):
    assert fold_account_number("0" + number) != fold_account_number(number)


@given(st.integers(1, 999), st.sampled_from("абвгдежзАБВГДЕЖЗ"), st.sampled_from(["", " ", "-"]))
def test_a_house_letter_is_one_house_with_a_space_a_dash_or_any_case(number, letter, sep):
    assert fold_house(f"{number}{sep}{letter}") == fold_house(f"{number}{letter.lower()}")


@given(st.integers(1, 999), st.integers(1, 99))
def test_a_fraction_in_the_house_is_the_korpus(house, korpus):
    split = split_house(f"{house}/{korpus}")

    assert (split.house, split.korpus) == (str(house), str(korpus))


@given(st.text(alphabet=CYRILLIC, min_size=1, max_size=20), st.sampled_from("'’ʼ`"))
def test_a_surname_folds_the_same_in_any_case_and_with_any_apostrophe(surname, apostrophe):
    typed = surname[:1] + apostrophe + surname[1:]

    assert fold_name(typed.upper()) == fold_name(surname.lower())
