"""Serving a stored document to someone already allowed to see it."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from urllib.parse import quote

from flask import Response

from core.models import Document
from storage.backends import BlobCorrupted, get_storage
from storage.intake import CONTENT_TYPES

log = logging.getLogger(__name__)

# default-src 'none' already covers object-src, but base-uri and frame-ancestors have no fallback to it and
# `sandbox` restricts what the document may do, not who may frame it: all three are stated.
LOCKED = "default-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
CSP = LOCKED + "; sandbox"
# Browsers' built-in PDF viewers refuse to run in a sandboxed document (Chrome shows "This page has
# been blocked", Safari a blank page), so an inline PDF gets the policy without `sandbox`. It is
# still a verified PDF served as application/pdf with nosniff: the browser can only hand it to its
# PDF viewer, which keeps PDF scripts away from the site's origin.
CSP_INLINE_PDF = LOCKED
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._-]+")


def send_document(document: Document, *, as_attachment: bool) -> Response:
    """Return a response with the document's bytes, verified against its SHA-256.

    Access control is the caller's job and must come first: an applicant may fetch only their own
    documents (anyone else gets 404), staff only the documents of their office's requests (and the
    view is audited). Raises BlobNotFound if the bytes are missing and BlobCorrupted if they changed.
    A content type outside JPEG/PNG/PDF (never written by intake) is served as an octet-stream
    attachment.
    """
    data = get_storage().open(document.storage_key)
    if hashlib.sha256(data).hexdigest() != document.sha256:
        log.error("document %s: stored bytes do not match their SHA-256", document.id)
        raise BlobCorrupted(document.storage_key)
    content_type = document.content_type
    if content_type not in CONTENT_TYPES:
        content_type, as_attachment = "application/octet-stream", True
    response = Response(data, status=200, content_type=content_type)
    headers = response.headers
    headers["Content-Disposition"] = content_disposition(document.original_name, as_attachment=as_attachment)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Cache-Control"] = "private, no-store"
    inline_pdf = content_type == "application/pdf" and not as_attachment
    headers["Content-Security-Policy"] = CSP_INLINE_PDF if inline_pdf else CSP
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def content_disposition(filename: str, *, as_attachment: bool) -> str:
    """Build Content-Disposition with an ASCII ``filename`` fallback and RFC 5987 ``filename*``."""
    disposition = "attachment" if as_attachment else "inline"
    filename = filename or "document"
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    ascii_stem = _ascii(stem) or "document"
    ascii_extension = _ascii(extension)
    fallback = f"{ascii_stem}.{ascii_extension}" if ascii_extension else ascii_stem
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _ascii(text: str) -> str:
    """Return ``text`` reduced to a safe ASCII token (letters, digits, dot, dash, underscore)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _UNSAFE_ASCII.sub("_", folded).strip("._")
