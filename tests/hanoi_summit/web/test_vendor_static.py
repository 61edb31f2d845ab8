"""Bootstrap is served from the repository's static/vendor/, never from a CDN."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_pages_load_bootstrap_from_our_own_static_files(client):
    html = client.get("/programme/").content.decode()
    assets = re.findall(r'<(?:link|script)[^>]+(?:href|src)="([^"]+)"', html)
    assert "/static/vendor/bootstrap-5.3.8/css/bootstrap.min.css" in assets
    assert "/static/vendor/bootstrap-5.3.8/js/bootstrap.bundle.min.js" in assets
    assert all(url.startswith("/") and not url.startswith("//") for url in assets), assets


@pytest.mark.parametrize(
    "path",
    [
        "vendor/bootstrap-5.3.8/css/bootstrap.min.css",
        "vendor/bootstrap-5.3.8/js/bootstrap.bundle.min.js",
        "vendor/bootstrap-5.3.8/LICENSE",
    ],
)
def test_vendored_bootstrap_is_found_and_served(client, path):
    assert finders.find(path)
    response = client.get(f"/static/{path}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert b"Bootstrap" in body[:400]
