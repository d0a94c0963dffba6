"""Files shared in messages: their objects (shaped like Slack's) and their private URLs, served
only with a token of the workspace, as files.slack.com does."""

from __future__ import annotations

import base64
import mimetypes
from typing import Any

# A 1×1 PNG: what every image (and thumbnail) of the emulated workspace looks like.
PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PATHS = ("/files-pri/", "/files-tmb/")


def file_object(
    *, base_url: str, team_id: str, team_url: str, user_id: str, file_id: str, name: str
) -> dict[str, Any]:
    """A file object (files.info): private URLs on this server, thumbnails for images."""
    private = f"{base_url}/files-pri/{team_id}-{file_id}/{name}"
    stem, _, extension = name.rpartition(".")
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    file: dict[str, Any] = {
        "id": file_id,
        "name": name,
        "title": name,
        "mimetype": mimetype,
        "filetype": extension.lower() or "binary",
        "user": user_id,
        "url_private": private,
        "url_private_download": private.replace("/files-pri/", "/files-pri/download/"),
        "permalink": f"{team_url}files/{user_id}/{file_id}/{name}",
        "is_public": False,
    }
    if mimetype.startswith("image/"):
        thumbs = f"{base_url}/files-tmb/{team_id}-{file_id}-0a1b2c/{stem or name}"
        for size in (64, 80, 160, 360, 480):
            file[f"thumb_{size}"] = f"{thumbs}_{size}.png"
    return file


def serve(path: str, *, authorized: bool) -> tuple[int, str, bytes]:
    """(status, content type, body) for a GET of a private file URL."""
    if not authorized:
        return 403, "text/plain", b"Forbidden"
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if mimetype.startswith("image/"):
        return 200, "image/png", PIXEL_PNG
    return 200, mimetype, b"file contents\n"
