"""The README's Security section names tests that exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_test_the_security_section_names_exists():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Security") : readme.index("## Production topology")]
    named = re.findall(r"`((?:e2e/)?test_[a-z_]+\.py)(?:::(test_[a-z0-9_]+))?`", section)
    assert len(named) >= 10
    for file, test in named:
        source = (ROOT / "tests/security" / file).read_text()
        if test:
            assert f"def {test}(" in source, f"{file}::{test}"
