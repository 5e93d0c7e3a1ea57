"""A power of attorney issued when signed: a PAdES signature pyHanko validates, readable text, a QR to /verify."""

from __future__ import annotations

import io
import subprocess

import pytest
from PIL import Image

from core.models import AuditLog, IssuedDocument, MailMessage
from documents import codes, keys
from documents.sign import check_pdf
from tests.documents.conftest import move, page
from tests.documents.conftest import pdf_of as _pdf


def _issued(app, request_id: int) -> IssuedDocument:
    with app.app_context():
        return IssuedDocument.select().where(IssuedDocument.request == request_id).order_by(IssuedDocument.id).get()


def _text(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


def _qr_texts(pdf: bytes, tmp_path) -> list[str]:
    """The QR codes zxing-cpp reads on the first page, rendered at 150 dpi by poppler."""
    import zxingcpp

    (tmp_path / "doc.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", str(tmp_path / "doc.pdf"),
                    str(tmp_path / "page")], check=True)
    return [result.text for result in zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))]


def test_signing_issues_a_signed_pdf_that_pyhanko_validates(app, world, staff_client, poa, tmp_path):
    response = move(staff_client("berlin_officer"), poa, "delivered")
    assert response.status_code == 303
    row = _issued(app, poa)
    pdf = _pdf(app, row)
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    with app.app_context():
        roots = [keys.load_cert(path) for path in sorted((keys.key_dir() / "trust").glob("*.pem"))]
        from asn1crypto import x509 as asn1
        from cryptography.hazmat.primitives.serialization import Encoding
        context = ValidationContext(trust_roots=[asn1.Certificate.load(c.public_bytes(Encoding.DER)) for c in roots])
        status = validate_pdf_signature(PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0], context)
        assert status.bottom_line and status.intact and status.valid and status.trusted
        assert status.coverage.name == "ENTIRE_FILE"
        assert check_pdf(pdf).ok
    text = _text(pdf)
    for expected in ("وکالت", "Power of attorney", "Sara Rezaei", "BER-2026-0042", codes.display(row.code),
                     "Berlin", "http://127.0.0.1:5000/verify"):
        assert expected in text, expected
    assert _qr_texts(pdf, tmp_path) == [f"http://127.0.0.1:5000/verify/{codes.display(row.code)}"]
    with app.app_context():
        assert row.signer.email == "berlin@mikhak.example" and row.holder_name_en == "Sara Rezaei"
        assert AuditLog.select().where(AuditLog.action == "document.issue").count() == 1
        subjects = [m.subject for m in MailMessage.select().where(MailMessage.to == "sara@example.com")]
        assert any("Your document is ready" in s or "سند شما آماده است" in s for s in subjects), subjects


def test_the_code_has_sixty_bits_and_is_forgiving_when_typed() -> None:
    code = codes.new_code()
    assert codes.BITS >= 50 and len(code) == 12 and set(code) <= set(codes.ALPHABET)
    shown = codes.display(code)
    assert codes.normalize(shown.lower()) == code
    assert codes.normalize(f"  {shown.replace('-', ' ')} ") == code
    persian = "۷K۳M-Q۹XD-۲HAF"
    assert codes.normalize(persian) == "7K3MQ9XD2HAF"
    assert codes.normalize("7k3m-q9xd-2haf") == "7K3MQ9XD2HAF"
    assert codes.normalize("7K3M-Q9XD-2HAO") == "7K3MQ9XD2HA0"  # O read as zero
    assert codes.normalize("https://x.example/verify/7K3M-Q9XD-2HAF?lang=en") == "7K3MQ9XD2HAF"
    assert codes.normalize("7K3M-Q9XD") is None and codes.normalize("U" * 12) is None


def test_no_document_for_other_statuses_and_a_one_byte_change_is_caught(app, world, staff_client, poa):
    with app.app_context():
        assert IssuedDocument.select().count() == 0
    move(staff_client("berlin_officer"), poa, "delivered")
    pdf = bytearray(_pdf(app, _issued(app, poa)))
    with app.app_context():
        assert check_pdf(bytes(pdf)).ok
        position = pdf.find(b"stream") + 20
        pdf[position] ^= 0x01
        changed = check_pdf(bytes(pdf))
        assert changed.signed and not changed.ok and not changed.intact


def test_an_officer_without_the_role_cannot_issue(app, world, staff_client, poa):
    from forms.registry import current_registry

    with app.app_context():
        spec = current_registry().services["power_of_attorney"]
        declared = spec.issues[0].model_copy(update={"roles": ["admin"]})
        object.__setattr__(spec, "issues", [declared])
    try:
        response = move(staff_client("berlin_officer"), poa, "delivered")
        assert response.status_code == 303
        with app.app_context():
            from core.models import ServiceRequest
            assert ServiceRequest.get_by_id(poa).status == "signed"
            assert IssuedDocument.select().count() == 0
    finally:
        with app.app_context():
            object.__setattr__(spec, "issues", [declared.model_copy(update={"roles": ["officer", "admin"]})])


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_applicant_downloads_the_document_from_the_request_page(app, world, staff_client, poa, language):
    move(staff_client("berlin_officer"), poa, "delivered")
    row = _issued(app, poa)
    applicant = app.test_client()
    applicant.get(f"/lang/{language}")
    from tests.helpers import sign_in

    with app.app_context():
        from core.models import Applicant, ServiceRequest
        email = Applicant.get_by_id(world["applicant"]).email
        national = Applicant.get_by_id(world["applicant"]).national_code
        code = ServiceRequest.get_by_id(poa).tracking_code
    sign_in(applicant, app, national, email)
    html = page(applicant.get(f"/requests/{code}"))
    assert ("Download the signed PDF" if language == "en" else "دریافت نسخهٔ امضاشده (PDF)") in html
    download = applicant.get(f"/requests/{code}/issued/{row.id}.pdf")
    assert download.status_code == 200 and download.data == _pdf(app, row)
    assert "attachment" in download.headers["Content-Disposition"]
    stranger = app.test_client()
    assert stranger.get(f"/requests/{code}/issued/{row.id}.pdf").status_code in (302, 303, 401, 403, 404)


def test_the_staff_request_page_lists_the_documents_and_their_actions(app, world, staff_client, poa):
    officer = staff_client("berlin_officer")
    url = f"/admin/requests/power_of_attorney/details/?id={poa}"
    html = page(officer.get(url))
    assert "“Power of attorney” is issued when the request reaches “Handed over”." in html
    move(officer, poa, "delivered")
    row = _issued(app, poa)
    html = page(officer.get(url))
    for text in ("Issued documents", codes.display(row.code), "Valid", "Reissue (corrected)", "Revoke the document",
                 f"/admin/issued-documents/{row.id}/pdf"):
        assert text in html, text
    listing = page(officer.get("/admin/issued-documents/"))
    assert codes.display(row.code) in listing and "Sara Rezaei" in listing
    assert page(staff_client("london_officer").get("/admin/issued-documents/")).count(codes.display(row.code)) == 0


def test_the_ready_email_attaches_the_pdf_only_when_the_service_says_so(app, world, poa):
    from core.models import ServiceRequest
    from documents.issue import issue_document
    from forms.registry import current_registry

    with app.test_request_context("/"):
        spec = current_registry().services["power_of_attorney"]
        request = ServiceRequest.get_by_id(poa)
        plain = issue_document(request, spec, spec.issues[0], None)
        attached = issue_document(request, spec, spec.issues[0].model_copy(update={"attach": True}), None)
        mails = list(MailMessage.select().where(MailMessage.to == "sara@example.com").order_by(MailMessage.id))
        assert [len(m.attachments or []) for m in mails] == [0, 1]
        assert mails[1].attachments[0]["filename"] == f"power_of_attorney-{attached.code}.pdf"
        assert plain.signer is None
