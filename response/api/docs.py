"""Interactive docs at /api/docs that work offline.

django-ninja loads Swagger UI from a CDN unless "ninja" is an installed app; rather than install an
app for its static files, the API serves the copies bundled in the ninja package itself.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import path, reverse
from django.utils.html import escape
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

ASSETS_DIR = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png"})

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title}</title>
  <link rel="stylesheet" href="{assets}swagger-ui.css">
  <link rel="icon" href="{assets}favicon.png">
</head>
<body data-csrf-token="{csrf}" data-api-csrf="true">
  <script type="application/json" id="swagger-settings">{settings}</script>
  <div id="swagger-ui"></div>
  <script src="{assets}swagger-ui-bundle.js"></script>
  <script src="{assets}swagger-ui-init.js"></script>
</body>
</html>
"""


class OfflineSwagger(Swagger):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        assets = reverse(f"{api.urls_namespace}:docs-asset", kwargs={"name": "x"})[:-1]
        html = PAGE.format(
            title=escape(api.title),
            assets=assets,
            csrf=escape(get_token(request)),
            # JSON inside <script>: "</" must not close the element.
            settings=json.dumps(settings).replace("</", "<\\/"),
        )
        return HttpResponse(html)


def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in ASSETS:
        raise Http404(name)
    content_type, _ = mimetypes.guess_type(name)
    response = FileResponse((ASSETS_DIR / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


class ResponseNinjaAPI(NinjaAPI):
    """NinjaAPI plus the docs page's static files, so /api/docs needs no CDN."""

    def _get_urls(self):
        return [
            path("docs/assets/<str:name>", docs_asset, name="docs-asset"),
            *super()._get_urls(),
        ]
