"""Fixtures of the fault tests (tests/faults/): each module runs against a `Stack` of its own.

- `stack`: a started `tests.faults.stack.Stack` for the module (its own PostgreSQL, Redis and
  SMTP sink, migrated), with the module's `STACK_SETTINGS` (environment variables, e.g. the
  sweeps' delays lowered) in every process it starts. Stopped, processes and services alike,
  when the module ends, whatever happened.

Every module here marks its tests `faults` (pytestmark). On a machine without PostgreSQL's server binaries or
redis-server they skip; in CI (HANOI_REQUIRE_ALL=1, set by .ci/run) they fail instead.
"""

import pytest

from tests.conftest import require
from tests.faults.stack import Stack, missing_binaries


@pytest.fixture(scope="module")
def stack(request):
    missing = missing_binaries()
    require(not missing, f"needs {', '.join(missing)}")
    stack = Stack(settings=getattr(request.module, "STACK_SETTINGS", {}))
    request.addfinalizer(stack.close)
    stack.start()
    return stack
