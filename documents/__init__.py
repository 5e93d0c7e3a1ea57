"""Issued documents: templates in the service YAML (`issues:`), signed PDFs, public verification, revocation."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the verification pages, the applicant's downloads, the workflow hook and `flask documents`."""
    from casework import workflow
    from documents import cli, codes, issue, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.documents_cli)
    if issue.after_transition not in workflow.AFTER_TRANSITION:
        workflow.AFTER_TRANSITION.append(issue.after_transition)

    from documents.admin import RevokeForm
    from documents.labels import reason_label

    app.jinja_env.globals.update(issued_documents=issue.for_request, revocation_reason_label=reason_label,
                                 revoke_form=RevokeForm, document_code=codes.display)


def init_admin(app: Flask) -> None:
    """Add the issued documents to the back office (after admin.init_app)."""
    from admin import get_admin
    from documents.admin import register

    with app.app_context():
        register(get_admin(app))
