"""The short number printed on a badge for typing at a gate: "<badge number>-<check character>".

The check character is ALPHABET[sum((i + 1) * digit_i) % 31] over the number's decimal
digits, left to right from i = 0. ALPHABET is Crockford's base32 (no I, L, O or U, which are
read as other characters); 31 is prime and larger than any weight of a six-digit number, so
one wrong digit or two adjacent digits swapped always change the check character. The gate
page computes the same in JavaScript (docs/gate-api.md holds the shared definition).

Typed text is read case-insensitively, with spaces ignored; the "-" may be left out.
"""

import re

from django.utils.translation import gettext_lazy as _

from hanoi_summit.core.errors import DomainError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
MODULUS = 31
#: Longer than any badge number a short number may carry.
MAX_DIGITS = 9
_TYPED = re.compile(rf"([0-9]{{1,{MAX_DIGITS}}})-?([0-9A-Z])")


class ShortNumberError(DomainError):
    """Typed text that is not a short number, or whose check character is wrong."""

    default_code = "bad_short_number"


def looks_short(text):
    """Whether typed text is meant as a short number (digits and a check character), not a
    badge code: what the gate's manual entry uses to tell them apart."""
    return _TYPED.fullmatch("".join(str(text or "").split()).upper()) is not None


def check_character(number):
    digits = str(int(number))
    return ALPHABET[sum((i + 1) * int(d) for i, d in enumerate(digits)) % MODULUS]


def short_number(number):
    """The printed form: "101333-K"."""
    return f"{int(number)}-{check_character(number)}"


def parse(text):
    """The badge number of a typed short number; ShortNumberError ("bad_short_number" when it
    is not one, "bad_check_character" when its check character does not match)."""
    typed = "".join(str(text or "").split()).upper()
    match = _TYPED.fullmatch(typed)
    if match is None:
        raise ShortNumberError(
            _("Type the badge's short number as printed, e.g. 101333-K."),
            code="bad_short_number",
            field="short",
        )
    number = int(match.group(1))
    if check_character(number) != match.group(2):
        raise ShortNumberError(
            _("The check character does not match this number: check what you typed."),
            code="bad_check_character",
            field="short",
        )
    return number
