"""Badge codes are ASCII: look-alike letters that upper-case into A-Z are refused, not folded."""

import dataclasses
import datetime as dt

import pytest

from accreditation.badges import codes

GENUINE = codes.BadgeCode(
    number=4242,
    version=1,
    category="DEL",
    zones=("PLN",),
    valid_from=dt.date(2025, 10, 25),
    valid_until=dt.date(2025, 10, 26),
)


def _code_containing(letter):
    """A genuine code whose base32 body holds ``letter`` (most do; try a few badge numbers)."""
    for number in range(4242, 4342):
        code = codes.encode(dataclasses.replace(GENUINE, number=number))
        if letter in code[len(codes.PREFIX) :]:
            return code
    raise AssertionError(f"no code with {letter!r} in its body")


@pytest.mark.parametrize(
    ("ascii_letter", "look_alike"),
    [("S", "\u017f"), ("I", "\u0131")],  # LATIN SMALL LETTER LONG S, DOTLESS I
)
def test_look_alike_letters_are_refused(ascii_letter, look_alike):
    code = _code_containing(ascii_letter)
    assert codes.decode(code).number >= GENUINE.number  # the genuine code verifies
    assert look_alike.upper() == ascii_letter  # why this matters: .upper() folds it into ours

    position = code.index(ascii_letter, len(codes.PREFIX))
    forged = code[:position] + look_alike + code[position + 1 :]
    with pytest.raises(codes.CodeError) as info:
        codes.decode(forged)
    assert info.value.code == "unknown"


def test_look_alike_in_the_prefix_is_refused():
    code = codes.encode(GENUINE)
    with pytest.raises(codes.CodeError) as info:
        codes.decode(code.replace("HS1:", "H\u017f1:"))
    assert info.value.code == "unknown"


def test_lower_case_ascii_is_still_accepted():
    code = codes.encode(GENUINE)
    assert codes.decode(code.lower() + "\n") == GENUINE
