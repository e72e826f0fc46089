"""``/docs``: the OpenAPI page with Swagger UI's files served by gongwen itself.

FastAPI's default page loads Swagger UI from a CDN, which an offline intranet cannot
reach; ``swagger-ui-bundle-v2`` ships the same files as a Python package.
"""

from __future__ import annotations

from typing import Any

from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"


def install_docs(app: Any) -> None:
    """Serve ``/docs`` and its assets locally (``app`` made with ``docs_url=None``)."""
    import swagger_ui_bundle

    app.mount(ASSETS, StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url, title="gongwen API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png")
