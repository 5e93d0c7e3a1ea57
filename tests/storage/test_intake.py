"""Upload intake: type by content, size, pixels, re-encoding, PDF checks, quotas, names, atomicity."""

from __future__ import annotations

import hashlib
import io
import re
import warnings

import flask_babel
import peewee
import pytest
from flask import session
from PIL import Image, ImageCms, ImageFile, PngImagePlugin

from core.models import Document, Draft
from storage import UploadRejected, accept_upload, get_storage
from storage import intake as intake_module
from storage.intake import MAX_PIXELS, MIB

from .conftest import document_count, stored_blob_count, submit
from .samples import HTML, PDF, SVG, CountingStream, huge_png, jpeg, png, upload

ALL = ["jpeg", "png", "pdf"]


def accept(applicant, data: bytes, filename: str = "file", *, kinds=ALL, max_bytes: int = 5 * MIB, draft=None,
           request=None, field_id: str = "passport_scan") -> Document:
    """Post ``data`` to intake."""
    return accept_upload(upload(data, filename), accept=kinds, max_bytes=max_bytes, applicant=applicant,
                         field_id=field_id, draft=draft, request=request)


def refused(applicant, data: bytes, filename: str = "file", **options) -> str:
    """Post ``data``, expect a refusal that stored nothing, and return its message."""
    with pytest.raises(UploadRejected) as caught:
        accept(applicant, data, filename, **options)
    assert document_count() == 0
    assert stored_blob_count() == 0
    return caught.value.message


@pytest.mark.parametrize("upload_backend", ["local", "database"])
@pytest.mark.parametrize(("data", "content_type"), [(PDF, "application/pdf"), (jpeg(), "image/jpeg"),
                                                    (png(), "image/png")])
def test_accepted_file_is_stored_with_its_sha256(applicant, draft, upload_backend: str, data: bytes,
                                                 content_type: str) -> None:
    document = accept(applicant, data, "scan", draft=draft)
    stored = get_storage().open(document.storage_key)
    assert document.content_type == content_type
    assert document.size == len(stored)
    assert document.sha256 == hashlib.sha256(stored).hexdigest()
    assert Document.get_by_id(document.id).draft_id == draft.id
    assert document.field_id == "passport_scan"
    if content_type == "application/pdf":
        assert stored == data  # PDFs are kept as sent


@pytest.mark.parametrize(("data", "filename", "kinds"), [
    (PDF, "passport.jpg", ["jpeg"]),  # PDF bytes behind a .jpg name
    (png(), "photo.pdf", ["pdf"]),  # a PNG for a PDF-only field
    (jpeg(), "photo.png", ["png"]),
    (HTML, "page.jpg", ALL),
    (HTML, "page.pdf", ALL),
    (SVG, "image.png", ALL),
    (b"#!/bin/sh\nrm -rf /\n", "script.pdf", ALL),
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "anim.gif", ALL),
    (b"PK\x03\x04" + b"\x00" * 40, "archive.pdf", ALL),
])
def test_type_is_checked_by_content(applicant, data: bytes, filename: str, kinds: list[str]) -> None:
    message = refused(applicant, data, filename, kinds=kinds)
    assert message.startswith("This type of file is not accepted here. Accepted types:")


def test_refusal_lists_the_accepted_types(applicant) -> None:
    assert refused(applicant, HTML, kinds=["jpeg", "pdf"]).endswith("Accepted types: JPEG and PDF.")


def test_oversize_is_refused_after_reading_at_most_the_limit_plus_one(applicant) -> None:
    stream = CountingStream(PDF + b"x" * (3 * MIB))
    posted = upload(b"", "big.pdf")
    posted.stream = stream
    with pytest.raises(UploadRejected, match=r"The file is too large: the limit is 1 MB\."):
        accept_upload(posted, accept=ALL, max_bytes=MIB, applicant=applicant, field_id="scan")
    assert stream.bytes_read == MIB + 1
    assert document_count() == 0


def test_file_of_exactly_the_limit_is_accepted(applicant) -> None:
    data = PDF[:-7] + b" " * 100 + PDF[-7:]
    assert accept(applicant, data, max_bytes=len(data)).size == len(data)


def test_missing_and_empty_files_are_refused(applicant) -> None:
    with pytest.raises(UploadRejected, match="Choose a file to upload"):
        accept_upload(None, accept=ALL, max_bytes=MIB, applicant=applicant, field_id="scan")
    assert refused(applicant, b"", "") == "Choose a file to upload."
    assert refused(applicant, b"", "empty.pdf") == "The file is empty."


def test_image_over_40_megapixels_is_refused(applicant) -> None:
    data = huge_png(8000, 5001)  # 40,008,000 pixels
    assert len(data) < 64 * 1024
    assert refused(applicant, data, "bomb.png") == "The image is too large: at most 40 megapixels are accepted."
    with warnings.catch_warnings():  # the same outcome where Pillow's warning is only a warning
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        assert refused(applicant, data, "bomb.png").startswith("The image is too large")
    assert Image.MAX_IMAGE_PIXELS == MAX_PIXELS


def test_decompression_bomb_is_refused(applicant) -> None:
    assert refused(applicant, huge_png(10_000, 9_000), "bomb.png").startswith("The image is too large")


def test_image_of_40_megapixels_is_accepted(applicant) -> None:
    document = accept(applicant, huge_png(8000, 5000), "large.png")
    with Image.open(io.BytesIO(get_storage().open(document.storage_key))) as image:
        assert image.size == (8000, 5000)


def test_exif_is_stripped_and_orientation_applied(applicant) -> None:
    original = Image.new("RGB", (40, 20), "red")
    original.paste((0, 0, 255), (20, 0, 40, 20))  # left half red, right half blue
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (51.0, 30.0, 0.0)  # GPS latitude
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    original.save(buffer, "JPEG", exif=exif.tobytes(), comment=b"secret note", icc_profile=icc, quality=95)
    assert b"PhoneMaker" in buffer.getvalue()

    document = accept(applicant, buffer.getvalue(), "photo.jpg", kinds=["jpeg"])
    stored = get_storage().open(document.storage_key)
    assert b"PhoneMaker" not in stored and b"secret note" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert not {"exif", "comment", "icc_profile", "xmp"} & set(image.info)
        assert image.size == (20, 40)  # upright
        red, _green, blue = image.convert("RGB").getpixel((10, 5))
        assert red > 200 and blue < 60  # the left (red) half is now on top
        red, _green, blue = image.convert("RGB").getpixel((10, 35))
        assert blue > 200 and red < 60


def test_png_text_chunks_are_stripped_and_transparency_kept(applicant) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Sara Ahmadi")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    data = png(mode="RGBA", color=(0, 0, 255, 128), pnginfo=info, exif=exif.tobytes())
    document = accept(applicant, data, "signature.png", kinds=["png"])
    stored = get_storage().open(document.storage_key)
    assert b"Sara Ahmadi" not in stored and b"PhoneMaker" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        image.load()
        assert image.mode == "RGBA"
        assert image.getpixel((0, 0)) == (0, 0, 255, 128)
        assert not image.getexif()
        assert not set(image.info) - {"dpi"}


def test_bytes_hidden_after_an_image_are_dropped(applicant) -> None:
    polyglot = jpeg() + HTML
    document = accept(applicant, polyglot, "photo.jpg", kinds=["jpeg"])
    assert b"<script>" not in get_storage().open(document.storage_key)


@pytest.mark.parametrize("truncated_allowed", [False, True])
@pytest.mark.parametrize("data", [jpeg(size=(400, 400)), png(size=(400, 400), mode="RGB", color=None)],
                         ids=["jpeg", "png"])
def test_truncated_image_is_refused(applicant, monkeypatch: pytest.MonkeyPatch, data: bytes,
                                    truncated_allowed: bool) -> None:
    # WeasyPrint sets LOAD_TRUNCATED_IMAGES = True for the whole process when it is imported.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", truncated_allowed)
    message = refused(applicant, data[: len(data) // 2], "half", kinds=["jpeg", "png"])
    assert message.startswith("The image could not be read.")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is truncated_allowed


@pytest.mark.parametrize("data", [
    PDF.replace(b"%%EOF", b"%%END"),  # truncated: no end-of-file marker
    PDF + b"\x00" * 2000,  # end-of-file marker not near the end
    b"%PDF-\n" + PDF[9:],  # no version
])
def test_damaged_pdf_is_refused(applicant, data: bytes) -> None:
    assert refused(applicant, data, "form.pdf", kinds=["pdf"]).startswith("The PDF file is damaged or incomplete.")


def test_persian_name_is_kept_as_metadata_and_never_used_on_disk(applicant) -> None:
    name = "گذرنامهٔ من.jpg"
    document = accept(applicant, jpeg(), name, kinds=["jpeg"])
    assert document.original_name == name
    root = get_storage().root
    files = [path for path in root.rglob("*") if path.is_file()]
    assert [path.name for path in files] == [document.storage_key]
    for path in root.rglob("*"):
        assert re.fullmatch(r"[0-9a-f]+", path.name), path
        assert "گذرنامه" not in str(path)


@pytest.mark.parametrize(("sent", "shown"), [
    ("../../etc/پاسپورت.JPG", "پاسپورت.JPG"),
    ("C:\\Users\\sara\\گواهی\u200cنامه.jpeg", "گواهی\u200cنامه.jpeg"),  # ZWNJ kept
    ("\u202egpj.exe", "gpj.jpg"),  # a right-to-left override cannot disguise the name
    ("scan.png", "scan.jpg"),  # the extension follows the content
    ("Ali.Rezaei", "Ali.Rezaei.jpg"),
    ("  evil\r\nname  .jpg", "evil name.jpg"),
    ("", "passport_scan.jpg"),
    ("...", "passport_scan.jpg"),
    ("ب" * 400 + ".jpg", "ب" * 251 + ".jpg"),
])
def test_display_name_is_sanitized(applicant, sent: str, shown: str) -> None:
    assert accept(applicant, jpeg(), sent, kinds=["jpeg"]).original_name == shown


def test_per_request_quota(app, applicant, draft) -> None:
    app.config["UPLOAD_QUOTA_PER_REQUEST_MB"] = 2.5 * len(PDF) / MIB
    accept(applicant, PDF, draft=draft)
    accept(applicant, PDF, draft=draft)
    with pytest.raises(UploadRejected, match="The documents of one request may total at most"):
        accept(applicant, PDF, draft=draft)
    assert Document.select().where(Document.draft == draft).count() == 2
    assert stored_blob_count() == 2
    other = type(draft).create(applicant=applicant, kind="service", schema_id="visa", version_key="v1")
    accept(applicant, PDF, draft=other)  # another request has its own quota


def test_per_request_quota_of_a_submitted_request(app, applicant, office) -> None:
    app.config["UPLOAD_QUOTA_PER_REQUEST_MB"] = 1.5 * len(PDF) / MIB
    request = submit(applicant, office)
    accept(applicant, PDF, request=request)
    with pytest.raises(UploadRejected, match="The documents of one request may total at most"):
        accept(applicant, PDF, request=request)
    accept(applicant, PDF)  # documents attached to nothing are another scope
    with pytest.raises(ValueError, match="not both"):
        accept(applicant, PDF, request=request, draft=Draft.create(applicant=applicant, kind="service",
                                                                    schema_id="visa", version_key="v1"))


@pytest.mark.parametrize("upload_backend", ["local", "database"])
def test_per_applicant_quota(app, applicant, draft, upload_backend: str) -> None:
    app.config["UPLOAD_QUOTA_PER_APPLICANT_MB"] = 2.5 * len(PDF) / MIB
    accept(applicant, PDF, draft=draft)
    accept(applicant, PDF)
    with pytest.raises(UploadRejected, match="Your documents may total at most"):
        accept(applicant, PDF, draft=type(draft).create(applicant=applicant, kind="service", schema_id="visa",
                                                        version_key="v1"))
    assert stored_blob_count() == 2
    someone_else = type(applicant).create(national_code="0067749828", email="reza@example.org")
    accept(someone_else, PDF)


@pytest.mark.parametrize("upload_backend", ["local", "database"])
def test_blob_is_removed_when_the_row_fails(applicant, upload_backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(**fields):
        raise peewee.IntegrityError("simulated")

    monkeypatch.setattr(intake_module.Document, "create", fail)
    with pytest.raises(peewee.IntegrityError):
        accept(applicant, PDF)
    assert stored_blob_count() == 0


def test_unknown_kind_is_a_programming_error(applicant) -> None:
    with pytest.raises(ValueError, match="unknown file kinds"):
        accept(applicant, PDF, kinds=["gif"])
    with pytest.raises(ValueError, match="at least one kind"):
        accept(applicant, PDF, kinds=[])


def test_refusals_are_translated(app, applicant) -> None:
    with app.test_request_context("/"):
        session["lang"] = "fa"
        flask_babel.refresh()
        message = refused(applicant, HTML, "page.html", kinds=["jpeg", "pdf"])
        assert message.startswith("این نوع پرونده")
        assert "JPEG" in message and "PDF" in message
        with pytest.raises(UploadRejected) as caught:
            accept(applicant, PDF + b" " * MIB, max_bytes=MIB)
        assert "۱" in caught.value.message
