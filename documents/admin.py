"""Back office: the issued documents of the staff member's office; revoking and reissuing (role-checked, audited)."""

from __future__ import annotations

from flask import Response, flash, redirect
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from admin.base import StaffView, current_staff, deny, record, register_office_scope, scope
from core.models import IssuedDocument, ServiceRequest
from documents import codes, issue
from documents.labels import REASON_LABELS

register_office_scope(IssuedDocument, lambda office_id: IssuedDocument.office == office_id)


class RevokeForm(FlaskForm):
    """Why a document is revoked."""

    reason = SelectField(_l("Reason"), choices=[SelectChoice(code, label) for code, label in REASON_LABELS.items()],
                         validators=[InputRequired(_l("Choose the reason for the revocation."))])
    note = TextAreaField(_l("Internal note"), validators=[Length(max=2000)])


class IssuedDocumentsView(StaffView):
    """/admin/issued-documents/: the latest documents issued by the office, and the revoke and reissue actions."""

    def _row(self, document_id: int) -> IssuedDocument:
        row = scope(IssuedDocument.select().where(IssuedDocument.id == document_id), IssuedDocument).first()
        if row is None:
            deny(404, "issued_document_not_in_office", object=f"issued_document:{document_id}")
        return row

    def _back(self, row: IssuedDocument):
        from admin.requests import request_url

        return redirect(request_url(ServiceRequest.get_by_id(row.request_id)) + "#issued-documents", 303)

    @expose("/")
    def index(self):
        rows = list(scope(IssuedDocument.select(), IssuedDocument)
                    .order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc()).limit(100))
        return self.render("documents/admin_list.html", rows=rows, display=codes.display)

    @expose("/<int:document_id>/pdf")
    def pdf(self, document_id: int):
        row = self._row(document_id)
        record("document.staff_download", row, tracking_code=row.request.tracking_code)
        return Response(row.pdf, mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{row.document_type}-{row.code}.pdf"'})

    @expose("/<int:document_id>/revoke", methods=("POST",))
    def revoke(self, document_id: int):
        row = self._row(document_id)
        form = RevokeForm()
        if not form.validate_on_submit():
            flash(_("Choose the reason for the revocation."), "error")
            return self._back(row)
        try:
            issue.revoke(row, current_staff(), form.reason.data, (form.note.data or "").strip())
        except issue.NotAllowed as exc:
            deny(403, "role", role=current_staff().role, attempted="document.revoke",
                 object=f"issued_document:{row.id}", message=str(exc))
        except issue.CannotChange as exc:
            flash(str(exc), "error")
        else:
            flash(_("The document was revoked; whoever checks its code is told so."), "success")
        return self._back(row)

    @expose("/<int:document_id>/reissue", methods=("POST",))
    def reissue(self, document_id: int):
        row = self._row(document_id)
        if not FlaskForm().validate_on_submit():
            flash(_("The form expired; try again."), "error")
            return self._back(row)
        try:
            fresh = issue.reissue(row, current_staff())
        except issue.NotAllowed:
            deny(403, "role", role=current_staff().role, attempted="document.reissue",
                 object=f"issued_document:{row.id}")
        except (issue.CannotChange, issue.TransitionRefused) as exc:
            flash(str(exc), "error")
        else:
            flash(_("A corrected document was issued (%(code)s); the earlier one now verifies as replaced.",
                    code=codes.display(fresh.code)), "success")
        return self._back(row)


def register(admin) -> None:
    """Add the view to the back office."""
    admin.add_view(IssuedDocumentsView(name=_l("Issued documents"), endpoint="issued_documents",
                                       url="issued-documents"))

