"""API docs work offline: /docs is Swagger UI from the swagger-ui-bundle package's files, no CDN;
/openapi.json is the machine-readable description."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_docs_page_loads_only_local_assets(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text) + re.findall(r"url: '([^']+)'", page.text)
    assert urls and all(u.startswith("/") for u in urls), urls
    assert "http://" not in page.text and "https://" not in page.text
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_openapi_json(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "caucasus-kg" and spec["openapi"].startswith("3.")
    assert client.get("/redoc").status_code == 404  # ReDoc would load from a CDN: not served
