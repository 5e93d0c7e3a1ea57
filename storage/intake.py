"""Upload intake: size, type by content, image re-encoding, PDF sanity, quotas, then blob and row.

Nothing a client sends is trusted: the type comes from the bytes (magic numbers via ``filetype``),
never from the file name or the part's Content-Type; images are decoded by Pillow (restricted to
the sniffed format, under a pixel limit) and re-encoded, which drops EXIF/GPS, comments, XMP and
colour profiles and any bytes appended to the image; the client's file name is kept only as
display metadata and never reaches the disk.

PDFs are stored as sent after a header/trailer check (``%PDF-x.y`` at the start, ``%%EOF`` in the
last 1024 bytes, as readers require). They are not parsed: a PDF parser on untrusted input is more
attack surface than it removes, and the serving side neutralizes what a PDF could do in a browser
(fixed ``application/pdf`` type, ``nosniff``, CSP). Encrypted PDFs are not refused: a PDF with only
an owner password (print/copy restrictions, common for bank statements) opens normally, and telling
it apart from a user-password PDF needs that parser. Staff ask for a new file if one will not open.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import BinaryIO, Protocol

import filetype
from babel.lists import format_list
from flask import current_app
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from peewee import fn
from PIL import Image, ImageCms, ImageFile, ImageOps

from core import db
from core.models import Applicant, Document, Draft, ServiceRequest
from i18n import localized_digits
from storage.backends import get_storage

log = logging.getLogger(__name__)

MIB = 1024 * 1024
MAX_PIXELS = 40_000_000
# Pillow warns above MAX_IMAGE_PIXELS and raises above twice that, while opening: both are caught
# below, and images between the two are refused by our own check before any pixel is decoded.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
PDF_HEADER = re.compile(rb"%PDF-[12]\.[0-9]")
PDF_EOF_WINDOW = 1024
JPEG_QUALITIES = (90, 80, 70)
NAME_LIMIT = 255
_DECODE_LOCK = threading.Lock()
ZWNJ = "\u200c"  # the zero-width non-joiner is part of Persian spelling (گواهی‌نامه): kept


@dataclass(frozen=True)
class Kind:
    """A file type the intake accepts."""

    name: str
    content_type: str
    extension: str
    extensions: frozenset[str]
    label: str
    pillow_formats: tuple[str, ...] = ()


KINDS = {
    "jpeg": Kind("jpeg", "image/jpeg", "jpg", frozenset({"jpg", "jpeg", "jpe", "jfif"}), "JPEG",
                 ("JPEG", "MPO")),
    "png": Kind("png", "image/png", "png", frozenset({"png"}), "PNG", ("PNG",)),
    "pdf": Kind("pdf", "application/pdf", "pdf", frozenset({"pdf"}), "PDF"),
}
KIND_BY_MIME = {kind.content_type: kind for kind in KINDS.values()}
CONTENT_TYPES = frozenset(KIND_BY_MIME)


class Upload(Protocol):
    """What intake needs of a posted file (werkzeug's FileStorage has it)."""

    filename: str | None
    stream: BinaryIO


class UploadRejected(Exception):
    """The one refusal of an uploaded file (type by content, size, quota): ``message`` is translated and can be
    shown to the applicant; ``field_id`` names the file field it was posted to (set by ``accept_upload``)."""

    def __init__(self, message: str, field_id: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field_id = field_id


def accept_upload(file_storage: Upload | None, *, accept: list[str], max_bytes: int, applicant: Applicant,
                  field_id: str, draft: Draft | None = None, request: ServiceRequest | None = None) -> Document:
    """Check a posted file for a file field and store it; return its Document or raise UploadRejected.

    ``accept`` lists the field's kinds among ``jpeg``, ``png`` and ``pdf``; ``max_bytes`` is the
    field's per-file limit. At most ``max_bytes + 1`` bytes are read. The Document is attached to
    ``draft`` (wizard) or ``request`` (amending a submitted request), not both. The per-request quota
    counts the documents of that draft or request (with neither: the applicant's documents attached
    to nothing); the per-applicant quota counts all of the applicant's documents. To replace a file
    in a draft, ``discard()`` the old Document first so that it does not count against the quotas.
    """
    kinds = _accepted_kinds(accept)
    if max_bytes < 1:
        raise ValueError("max_bytes must be positive")
    if draft is not None and request is not None:
        raise ValueError("a document belongs to a draft or to a request, not both")
    try:
        data = _read_limited(file_storage, max_bytes)
        kind = _sniff(data, kinds)
        if kind.name == "pdf":
            _check_pdf(data)
            content = data
        else:
            content = _reencode_image(data, kind, max_bytes)
    except UploadRejected as rejected:
        rejected.field_id = field_id
        raise
    name = display_name(getattr(file_storage, "filename", None) or "", kind, field_id)
    try:
        return _store(content, kind, name, applicant=applicant, field_id=field_id, draft=draft, request=request)
    except UploadRejected as rejected:  # the quotas
        rejected.field_id = field_id
        raise


def _accepted_kinds(accept: list[str]) -> list[Kind]:
    """Map the schema's kinds to Kind objects; an unknown or empty list is a programming error."""
    if not accept:
        raise ValueError("accept must list at least one kind")
    unknown = [name for name in accept if name not in KINDS]
    if unknown:
        raise ValueError(f"unknown file kinds {unknown!r}; known: {sorted(KINDS)}")
    return [KINDS[name] for name in accept]


def _read_limited(file_storage: Upload | None, max_bytes: int) -> bytes:
    """Read at most ``max_bytes + 1`` bytes; refuse a missing, empty or oversized file."""
    if file_storage is None:
        raise UploadRejected(_("Choose a file to upload."))
    chunks: list[bytes] = []
    remaining = max_bytes + 1
    while remaining > 0:
        chunk = file_storage.stream.read(min(remaining, MIB))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    data = b"".join(chunks)
    if not data:
        if not file_storage.filename:
            raise UploadRejected(_("Choose a file to upload."))
        raise UploadRejected(_("The file is empty."))
    if len(data) > max_bytes:
        raise UploadRejected(_("The file is too large: the limit is %(limit)s MB.", limit=_megabytes(max_bytes)))
    return data


def _sniff(data: bytes, kinds: list[Kind]) -> Kind:
    """Return the kind the bytes are, if it is one of ``kinds``."""
    guess = filetype.guess(data)
    kind = KIND_BY_MIME.get(guess.mime) if guess else None
    if kind is None or kind not in kinds:
        labels = format_list([k.label for k in kinds], locale=str(get_locale() or "en"))
        raise UploadRejected(_("This type of file is not accepted here. Accepted types: %(types)s.", types=labels))
    return kind


def _check_pdf(data: bytes) -> None:
    """Refuse a PDF without its header at the start or its end-of-file marker near the end."""
    if not PDF_HEADER.match(data) or b"%%EOF" not in data[-PDF_EOF_WINDOW:]:
        raise UploadRejected(_("The PDF file is damaged or incomplete. Please upload it again."))


def _reencode_image(data: bytes, kind: Kind, max_bytes: int) -> bytes:
    """Decode under the pixel limit, apply the EXIF orientation, and re-encode without metadata.

    Pillow's ``ImageFile.LOAD_TRUNCATED_IMAGES`` is process-wide and WeasyPrint sets it to True when
    imported (appointment notices), which would let a truncated upload through, padded with grey.
    It is held False while an upload is decoded, under a lock; the lock also keeps a worker process
    to one large decode at a time, which bounds its memory.
    """
    try:
        with _DECODE_LOCK:
            truncated_allowed, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
            try:
                with Image.open(io.BytesIO(data), formats=kind.pillow_formats) as image:
                    width, height = image.size
                    if width * height > MAX_PIXELS:
                        raise _too_many_pixels()
                    image.load()
                    return _encode(_clean_pixels(image, kind), kind, max_bytes)
            finally:
                ImageFile.LOAD_TRUNCATED_IMAGES = truncated_allowed
    except UploadRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except Exception as exc:  # any decoder failure on untrusted bytes is a refusal, not a 500
        log.info("image refused: %s: %r", type(exc).__name__, str(exc))
        raise UploadRejected(_("The image could not be read. It may be damaged; "
                               "please upload it again or choose another file.")) from None


def _too_many_pixels() -> UploadRejected:
    """Build the refusal for an image over the pixel limit."""
    return UploadRejected(_("The image is too large: at most %(limit)s megapixels are accepted.",
                            limit=localized_digits(MAX_PIXELS // 1_000_000)))


def _clean_pixels(image: Image.Image, kind: Kind) -> Image.Image:
    """Return upright sRGB pixels in a mode the output format can store, with no metadata left.

    Works in place where it can: a 40-megapixel image is 120-160 MiB decoded.
    """
    ImageOps.exif_transpose(image, in_place=True)
    image = _to_srgb(image)
    transparency = image.info.get("transparency")
    if kind.name == "jpeg":
        if image.mode not in ("L", "RGB"):
            image = image.convert("L" if image.mode == "1" else "RGB")
    elif image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    image.info = {}
    if kind.name == "png" and transparency is not None and image.mode in ("1", "L", "P", "RGB"):
        image.info["transparency"] = transparency  # the tRNS chunk is pixels, not metadata
    return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert pixels tagged with an ICC profile to sRGB, so that dropping the profile keeps colours."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
        converted = ImageCms.profileToProfile(image, source, srgb, outputMode="RGBA" if image.mode == "RGBA" else "RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # a broken profile: keep the pixels as they are
    return converted if converted is not None else image


def _encode(image: Image.Image, kind: Kind, max_bytes: int) -> bytes:
    """Save as JPEG (lowering quality if needed) or PNG, within ``max_bytes`` if at all possible."""
    attempts = [{"quality": quality} for quality in JPEG_QUALITIES] if kind.name == "jpeg" else [
        {"compress_level": 6}, {"optimize": True}]
    options = {"transparency": image.info["transparency"]} if "transparency" in image.info else {}
    for attempt in attempts:
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG" if kind.name == "jpeg" else "PNG", **options, **attempt)
        if buffer.tell() <= max_bytes:
            return buffer.getvalue()
    raise UploadRejected(_("The image is too large once processed. Please upload a smaller or "
                           "lower-resolution image."))


def display_name(raw: str, kind: Kind, fallback: str) -> str:
    """Return a safe display name: last path part, no control or bidi characters, the right extension.

    Persian letters (and the zero-width non-joiner) are kept; the name is metadata only.
    """
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(name.split())  # line breaks and tabs become single spaces
    name = "".join(ch for ch in name if ch == ZWNJ or not unicodedata.category(ch).startswith("C")).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    if extension.lower() in kind.extensions:
        pass
    elif extension.isascii() and extension.isalnum() and len(extension) <= 5:
        extension = kind.extension  # "scan.jpg" holding PNG bytes becomes "scan.png"
    else:
        stem, extension = name, kind.extension
    stem = stem.strip(" .") or fallback
    return f"{stem[:NAME_LIMIT - len(extension) - 1]}.{extension}"


def _store(content: bytes, kind: Kind, name: str, *, applicant: Applicant, field_id: str,
           draft: Draft | None, request: ServiceRequest | None) -> Document:
    """Write the blob, then the row (quotas checked again under a lock); remove the blob on failure."""
    _check_quotas(applicant, draft, request, len(content))
    storage = get_storage()
    try:
        key = storage.save(content)  # the local backend removes its temporary file when the write fails
    except OSError as exc:  # the store is full (ENOSPC, a quota) or unreachable: a refusal the person can act on
        log.error("upload store refused a %s-byte file: %s", len(content), exc)
        raise UploadRejected(_("The file could not be stored just now: our document store is full or "
                               "unavailable. Your other answers are saved; please try again later.")) from exc
    try:
        with db.database.atomic():
            _lock_applicant(applicant)
            _check_quotas(applicant, draft, request, len(content))
            return Document.create(
                applicant=applicant, draft=draft, request=request, field_id=field_id, storage_key=key,
                original_name=name, content_type=kind.content_type, size=len(content),
                sha256=hashlib.sha256(content).hexdigest())
    except BaseException:
        try:
            storage.delete(key)
        except Exception:
            log.exception("could not remove blob %s after a failed upload", key)
        raise


def _lock_applicant(applicant: Applicant) -> None:
    """Serialize one applicant's uploads so that concurrent ones cannot overshoot a quota.

    SQLite transactions here are IMMEDIATE (core/db.py), which already serializes writers.
    """
    if not db.is_sqlite():
        list(Applicant.select(Applicant.id).where(Applicant.id == applicant.id).for_update())


def _check_quotas(applicant: Applicant, draft: Draft | None, request: ServiceRequest | None, size: int) -> None:
    """Refuse ``size`` more bytes over the per-request or the per-applicant quota."""
    config = current_app.config
    per_request = int(float(config["UPLOAD_QUOTA_PER_REQUEST_MB"]) * MIB)
    per_applicant = int(float(config["UPLOAD_QUOTA_PER_APPLICANT_MB"]) * MIB)
    mine = Document.applicant == applicant
    if draft is not None:
        scope = Document.draft == draft
    elif request is not None:
        scope = Document.request == request
    else:
        scope = Document.draft.is_null() & Document.request.is_null()
    if _used(mine & scope) + size > per_request:
        raise UploadRejected(_("The documents of one request may total at most %(limit)s MB. Remove a document "
                               "or upload a smaller file.", limit=_megabytes(per_request)))
    if _used(mine) + size > per_applicant:
        raise UploadRejected(_("Your documents may total at most %(limit)s MB. Remove a document you no longer "
                               "need or upload a smaller file.", limit=_megabytes(per_applicant)))


def _used(condition) -> int:
    """Return the total size of the documents matching ``condition``."""
    return int(Document.select(fn.COALESCE(fn.SUM(Document.size), 0)).where(condition).scalar() or 0)


def _megabytes(size: int) -> str:
    """Write a byte count in MB for the reader (one decimal at most, the reader's digits)."""
    return localized_digits(format_decimal(size / MIB, format="#,##0.#"))
