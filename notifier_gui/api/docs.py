"""Swagger UI at /api/docs/ from files shipped with the program (no CDN).

The Swagger UI 5 files come from the ``fastapi-offline`` package (pinned in
pyproject.toml, bundled by the PyInstaller spec); version 5 is the first that renders
OpenAPI 3.1, which FastAPI writes.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response

STATIC = "/api/docs/static"
FILES = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css", "favicon.png": "image/png"}


@lru_cache(maxsize=None)
def _file(name: str) -> bytes:
    return (resources.files("fastapi_offline") / "static" / name).read_bytes()


def add_docs(app: FastAPI) -> None:
    @app.get("/api/docs/", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/api/schema/", title="Notifier API",
                                   swagger_js_url=f"{STATIC}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{STATIC}/swagger-ui.css",
                                   swagger_favicon_url=f"{STATIC}/favicon.png")

    @app.get(STATIC + "/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in FILES:
            return Response(status_code=404)
        return Response(_file(name), media_type=FILES[name],
                        headers={"Cache-Control": "max-age=86400"})
