"""The browser fixtures of tests/e2e, for the security pages' browser tests."""

from tests.e2e.conftest import _plain_http_live_server, browser, page  # noqa: F401
