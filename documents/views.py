"""Public verification (/verify, its JSON twin and PDF upload) and the applicant's downloads."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import InputRequired

from applicant.my_requests import own_request
from auth.decorators import activated_required
from core import audit
from core.models import IssuedDocument
from documents import verify

bp = Blueprint("documents", __name__)
MAX_UPLOAD = 10 * 1024 * 1024


class VerifyForm(FlaskForm):
    """The verification code, as typed."""

    code = StringField(_l("Verification code"), validators=[InputRequired(_l("Enter the verification code."))],
                       description=_l("12 letters and digits, printed under the QR code, e.g. 7K3M-Q9XD-2HAF. "
                                      "Case and hyphens do not matter."),
                       render_kw={"autocomplete": "off", "dir": "ltr", "spellcheck": "false",
                                  "autocapitalize": "characters"})


class UploadForm(FlaskForm):
    """A PDF to check."""

    pdf = FileField(_l("The PDF file of the document"))


def _limits() -> tuple[int, int]:
    return int(current_app.config["VERIFY_RATE_LIMIT"]), int(current_app.config["VERIFY_RATE_WINDOW"])


def _page(answer=None, upload=None, wait: int = 0, form=None, status: int = 200):
    response = render_template("documents/verify.html", form=form or VerifyForm(formdata=None),
                               upload_form=UploadForm(formdata=None), answer=answer, upload=upload, wait=wait)
    return response, status


def _too_many(wait: int) -> dict:
    return {"Retry-After": str(wait)}


@bp.route("/verify", methods=["GET", "POST"])
def verify_page():
    """Type a code (or arrive from a QR code) and see whether the document is valid."""
    form = VerifyForm()
    if not form.validate_on_submit():
        return _page(form=form, status=400 if form.is_submitted() else 200)
    wait = verify.limited(*_limits())
    if wait:
        page, status = _page(form=form, wait=wait, status=429)
        return page, status, _too_many(wait)
    return _page(answer=verify.by_code(form.code.data, "page"), form=form)


@bp.get("/verify/<path:code>")
def verify_link(code: str):
    """The page a QR code opens."""
    form = VerifyForm(formdata=None, code=code[:40])
    wait = verify.limited(*_limits())
    if wait:
        page, status = _page(form=form, wait=wait, status=429)
        return page, status, _too_many(wait)
    return _page(answer=verify.by_code(code, "qr"), form=form)


@bp.get("/api/verify/<path:code>")
def verify_api(code: str):
    """The JSON answer for third parties (notaries, banks): status and what to compare with the paper."""
    wait = verify.limited(*_limits())
    if wait:
        response = jsonify({"status": "rate_limited", "retry_after": wait})
        return response, 429, _too_many(wait)
    response = jsonify(verify.by_code(code, "api").as_json())
    response.headers["Cache-Control"] = "no-store"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.post("/verify/upload")
def verify_upload():
    """Check an uploaded PDF: its signature, and that it is byte for byte the document issued."""
    wait = verify.limited(*_limits())  # first: a malformed upload counts against the limit too
    if wait:
        page, status = _page(wait=wait, status=429)
        return page, status, _too_many(wait)
    form = UploadForm()
    if not form.validate_on_submit():
        return _page(status=400)
    file = form.pdf.data
    data = file.read(MAX_UPLOAD + 1) if file else b""
    if not data or len(data) > MAX_UPLOAD or not data.startswith(b"%PDF"):
        return _page(upload={"error": True}, status=400)
    return _page(upload=verify.by_upload(data))


@bp.get("/requests/<code>/issued/<int:document_id>.pdf")
@activated_required
def download(code: str, document_id: int):
    """The applicant's own issued document, as signed (404 for anyone else's)."""
    service_request = own_request(code)
    row = IssuedDocument.get_or_none((IssuedDocument.id == document_id)
                                     & (IssuedDocument.request == service_request.id))
    if row is None:
        audit.record("access.denied", object_type="issued_document", object_id=str(document_id))
        abort(404)
    audit.record("document.download", object_type="issued_document", object_id=row.id, office_id=row.office_id,
                 tracking_code=service_request.tracking_code)
    filename = f"{row.document_type}-{row.code}.pdf"
    return Response(row.pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "private, no-store"})
