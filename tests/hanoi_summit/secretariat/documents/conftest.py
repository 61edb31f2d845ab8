"""The exports' fixtures (a delegation and its minister, with passport data) serve here too."""

from tests.hanoi_summit.secretariat.exports.conftest import minister, viet_nam

__all__ = ["minister", "viet_nam"]
