"""Uploaded files: type checked by content (never by name), size limited, stored outside static/."""

import io
import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from marketplace.errors import InvalidInput

IMAGE_TYPES = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}


@dataclass(frozen=True)
class StoredFile:
    filename: str
    content_type: str
    size: int


def upload_dir(kind: str) -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def read_limited(stream, max_bytes: int, field: str) -> bytes:
    data = stream.read(max_bytes + 1)
    message = None
    if len(data) > max_bytes:
        message = _("The file is larger than %(mb)d MB.", mb=max_bytes // (1024 * 1024))
    elif not data:
        message = _("The file is empty.")
    if message:
        raise InvalidInput(message, {field: [message]})
    return data


def image_type(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a JPEG/PNG/WebP image, judged by decoding it; else None."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return IMAGE_TYPES.get(kind)


def store_image(stream, kind: str, max_bytes: int, field: str = "photo") -> StoredFile:
    data = read_limited(stream, max_bytes, field)
    detected = image_type(data)
    if detected is None:
        message = _("Upload a JPEG, PNG or WebP image.")
        raise InvalidInput(message, {field: [message]})
    content_type, extension = detected
    filename = f"{uuid.uuid4().hex}.{extension}"
    (upload_dir(kind) / filename).write_bytes(data)
    return StoredFile(filename=filename, content_type=content_type, size=len(data))


def stored_path(kind: str, filename: str) -> Path:
    """The path of a stored upload; the name is ours (uuid), never the user's."""
    return upload_dir(kind) / Path(filename).name
