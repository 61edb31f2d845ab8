"""Text as searched: one folding rule for every name search (staff queues, the badge desk,
the admin, the portal, the gate), applied both to the stored search column and to the term.
"""

import unicodedata

#: Letters that carry no combining mark, so that NFKD leaves them whole: the Vietnamese
#: and Croatian "đ" (a stroke, not an accent), the Nordic "ø", the Polish "ł"... Each is
#: folded to the letter a person types on a plain keyboard.
_NO_DECOMPOSITION = str.maketrans(
    {
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "ħ": "h",
        "Ħ": "h",
        "ı": "i",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "þ": "th",
        "Þ": "th",
    }
)


def fold(text):
    """`text` lower-cased, without accents and with its spaces collapsed: "Nguyễn  Văn"
    -> "nguyen van", "Đặng" -> "dang", "Dvořák" -> "dvorak". Empty for None."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.translate(_NO_DECOMPOSITION))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())
