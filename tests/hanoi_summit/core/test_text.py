import pytest

from hanoi_summit.core.text import fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn", "nguyen"),
        ("NGUYỄN Văn", "nguyen van"),
        ("Dvořák", "dvorak"),
        ("Bùi Hữu Nam", "bui huu nam"),
        # Đ/đ carries a stroke, not a combining accent: NFKD leaves it whole.
        ("Đặng", "dang"),
        ("đặng", "dang"),
        ("Łukasz Øster", "lukasz oster"),
        ("Straße", "strasse"),
        ("  two   spaces ", "two spaces"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_is_idempotent():
    assert fold(fold("Trần Thị Đào")) == fold("Trần Thị Đào") == "tran thi dao"
