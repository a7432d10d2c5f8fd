import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_schema_is_served_without_a_token_and_documents_the_bearer_scheme(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")

    schema = response.json()
    assert response.status_code == 200
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "/api/v1/accounts/{account_id}/meters/{meter_id}/readings/" in schema["paths"]


def test_every_list_in_the_schema_is_paginated(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()

    list_paths = [
        path
        for path, item in schema["paths"].items()
        if "get" in item
        and "/exports/" not in path
        and path.endswith(
            ("/accounts/", "/ledger/", "/meters/", "/readings/", "/providers/", "/imports/")
        )
    ]
    refs = [
        schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"][
            "$ref"
        ]
        for path in list_paths
    ]
    assert len(list_paths) == 6
    assert all("Paginated" in ref for ref in refs)


def test_the_docs_page_loads_only_scripts_and_styles_from_our_own_origin(client):
    response = client.get("/api/v1/docs/")

    body = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert response.status_code == 200
    assert "script-src 'self'" in policy
    assert "<style" not in body and "style=" not in body
    assert not re.search(r"<script>(?!</script>)", body)  # no inline script
    sources = re.findall(r'(?:src|href)="([^"]+)"', body)
    assert sources and all(src.startswith("/") for src in sources)


def test_the_docs_init_script_and_assets_are_served_locally(client):
    page = client.get("/api/v1/docs/").content.decode()
    script_url = re.findall(r'<script src="([^"]+\?[^"]*script[^"]*)"', page)[0]

    script = client.get(script_url.replace("&amp;", "&"))
    bundle = re.findall(r'src="([^"]+swagger-ui-bundle\.js)"', page)[0]

    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
    assert bundle.startswith("/static/")
