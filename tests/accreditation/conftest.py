"""Fixtures of the accreditation tests (builders that take arguments are in review_helpers)."""

import pytest

from tests.accreditation.review_helpers import reference_data, staff


@pytest.fixture
def ref(db):
    """(zones, categories) by code: every zone and category the rules name."""
    return reference_data()


@pytest.fixture
def protocol(db):
    """A protocol officer: prints, reprints, revokes and hands badges over."""
    return staff("Protocol officer")
