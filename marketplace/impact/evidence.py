"""Evidence files for outcome reports: a PDF or an image, at most 10 MB, judged by content."""

import uuid
from pathlib import Path

from flask_babel import gettext as _

from marketplace.errors import InvalidInput
from marketplace.uploads import StoredFile, image_type, read_limited, stored_path, upload_dir

EVIDENCE_KIND = "evidence"
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def pdf_type(data: bytes) -> tuple[str, str] | None:
    """A PDF starts with "%PDF-" and ends with an "%%EOF" marker (allowing trailing whitespace)."""
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]:
        return "application/pdf", "pdf"
    return None


def store_evidence(stream, field: str = "evidence") -> StoredFile:
    """Check and store an evidence upload under a name of our own; InvalidInput when refused."""
    data = read_limited(stream, EVIDENCE_MAX_BYTES, field)
    detected = pdf_type(data) or image_type(data)
    if detected is None:
        raise InvalidInput(
            _("Upload a PDF or a JPEG, PNG or WebP image."), {field: [_("not a PDF or image")]}
        )
    content_type, extension = detected
    filename = f"{uuid.uuid4().hex}.{extension}"
    (upload_dir(EVIDENCE_KIND) / filename).write_bytes(data)
    return StoredFile(filename=filename, content_type=content_type, size=len(data))


def evidence_path(filename: str) -> Path:
    return stored_path(EVIDENCE_KIND, filename)


def safe_original_name(name: str | None) -> str:
    """The uploader's file name, for display and downloads only (never used as a path)."""
    base = Path(str(name or "")).name
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"\\/')
    return cleaned[:200]
