"""The short number with its check character (accreditation/badges/short.py)."""

import itertools

import pytest

from accreditation.badges import short


def test_the_contracts_example_and_format():
    assert short.short_number(101333) == f"101333-{short.check_character(101333)}"
    assert short.check_character(101333) == short.ALPHABET[(1 + 0 + 3 + 12 + 15 + 18) % 31]


def test_typed_text_is_read_case_insensitively_without_spaces_or_dash():
    printed = short.short_number(101333)
    assert short.parse(printed) == 101333
    assert short.parse(" " + printed.lower().replace("-", " - ") + " ") == 101333
    assert short.parse(printed.replace("-", "")) == 101333


@pytest.mark.parametrize("number", [100001, 101333, 109999, 123456])
def test_every_single_wrong_digit_and_adjacent_swap_is_caught(number):
    digits = str(number)
    check = short.check_character(number)
    for i, d in itertools.product(range(len(digits)), "0123456789"):
        if d != digits[i]:
            typo = digits[:i] + d + digits[i + 1 :]
            assert short.check_character(int(typo)) != check or typo.lstrip("0") == digits, typo
    for i in range(len(digits) - 1):
        if digits[i] != digits[i + 1]:
            swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
            assert short.check_character(int(swapped)) != check, swapped


def test_a_wrong_check_character_and_junk_are_refused():
    printed = short.short_number(101333)
    wrong = printed[:-1] + ("0" if printed[-1] != "0" else "1")
    with pytest.raises(short.ShortNumberError) as error:
        short.parse(wrong)
    assert error.value.code == "bad_check_character"
    for junk in ("", "HS1:ABC", "abc-K", "1234567890-K"):
        with pytest.raises(short.ShortNumberError) as error:
            short.parse(junk)
        assert error.value.code == "bad_short_number"
    assert short.looks_short(printed) and not short.looks_short("HS1:AEAAD")
