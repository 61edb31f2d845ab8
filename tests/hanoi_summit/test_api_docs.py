"""The API's contract (the OpenAPI schema says what the views answer), its docs served
offline under a Content-Security-Policy, and /api/'s list of endpoints."""

import re

import pytest
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from tests import factories


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    GENERATOR_STATS.reset()
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))


def test_photo_exempt_is_documented_as_the_boolean_it_is(schema):
    field = schema["components"]["schemas"]["MemberOutput"]["properties"]["photo_exempt"]
    assert field["type"] == "boolean"


@pytest.mark.parametrize("path", ["/api/accreditation/review/", "/api/accreditation/vetting/"])
def test_the_queues_are_documented_as_the_pages_they_return(schema, path):
    operation = schema["paths"][path]["get"]
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    page = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert set(page["properties"]) == {"count", "next", "previous", "results"}
    assert {"limit", "offset"} <= {p["name"] for p in operation["parameters"]}


def test_refusals_are_documented_with_the_error_shape(schema):
    error = schema["components"]["schemas"]["ErrorOutput"]
    assert error["required"] == ["code", "detail"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            public = {} in operation.get("security", [{}])
            expected = set() if public else {"401", "403"}
            if "{" in path:
                expected.add("404")
            if method != "get":
                expected.add("400")
            if "requestBody" in operation:
                expected.add("415")
            assert expected <= set(responses), (method, path)
            for code in expected:
                content = responses[code]["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/ErrorOutput"}, (method, path, code)


# --- The docs: served by us, under a policy ------------------------------------------------

URL = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_docs_load_only_local_urls(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    urls = URL.findall(html)
    assert urls, html
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
    assert "http://" not in html and "https://" not in html


def test_swagger_ui_runs_under_the_sites_policy(client):
    from tests.security.test_headers import inline_code

    response = client.get("/api/docs/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert inline_code(response.content.decode()) == []
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_redoc_may_add_styles_and_workers_on_its_own_page_only(client):
    policy = client.get("/api/redoc/")["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src" not in policy  # scripts: default-src 'self', no inline script
    assert "unsafe-inline" not in client.get("/api/docs/")["Content-Security-Policy"]


# --- /api/ -------------------------------------------------------------------------------------


def test_api_lists_its_endpoints(client, schema):
    response = client.get("/api/")
    assert response.status_code == 200
    endpoints = {e["path"]: e["name"] for e in response.json()["endpoints"]}
    assert endpoints["/api/checkin/"] == "api-checkin"
    assert endpoints["/api/delegation/members/<int:pk>/"] == "api-member"
    assert endpoints["/portal/accreditation/api/submit/"] == "api-submit"
    assert {"/api/schema/", "/api/docs/", "/api/redoc/"} <= set(endpoints)
    # Every documented path is listed.
    listed = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path).replace("{pk}", "{id}") for path in endpoints}
    assert set(schema["paths"]) <= listed
    assert not any(path.startswith(("/admin/", "/portal/login")) for path in endpoints)


def test_api_list_needs_no_login_and_reveals_nothing_else(db):
    factories.FocalPointFactory()
    from django.test import Client

    assert Client().get("/api/").status_code == 200


def test_an_api_url_no_route_matches_answers_in_the_error_shape(client):
    response = client.get("/api/delegation/members/-1/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")
