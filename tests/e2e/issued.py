"""Issue two certificates in the served app's database (one then revoked); print their codes as JSON.

Run by the browser test as ``python -m tests.e2e.issued`` with the live server's environment.
"""

from __future__ import annotations

import json
from pathlib import Path

from app import create_app
from core.models import Applicant, Office, ServiceRequest, Staff
from documents import issue
from forms.registry import current_registry
from wizard.snapshots import ensure_snapshot

PROFILE = {"first_name": "مریم", "last_name": "کریمی", "first_name_latin": "Maryam", "last_name_latin": "Karimi",
           "father_name": "رضا", "birth_date": "1988-07-14", "passport_number": "P98765432",
           "residence_country": "DE"}


def main() -> None:
    """Make an applicant, two completed requests and their certificates; revoke the second."""
    app = create_app()
    with app.test_request_context("/"):
        office = Office.get(Office.code == "de-berlin")
        staff = Staff.select().where(Staff.role == "admin").first()
        applicant, _ = Applicant.get_or_create(national_code="0371710022", defaults={
            "email": "maryam@example.com", "profile": PROFILE, "locale": "fa"})
        spec = current_registry().services["no_criminal_record"]
        made = []
        for number in (1, 2):
            request = ServiceRequest.create(
                tracking_code=f"E2EDOC{number:04d}", applicant=applicant, service_id=spec.id,
                version_key=ensure_snapshot(spec, "service"), office=office, status="completed", is_open=False,
                answers={"purpose": "immigration", "requesting_authority": "Ausländerbehörde Berlin", "copies": 1},
                staff_answers={"certificate_number": f"CNR-{number}", "fingerprint_card_number": f"FP-{number}"},
                national_code=applicant.national_code, applicant_name="مریم کریمی")
            made.append(issue.issue_document(request, spec, spec.issues[0], staff))
        issue.revoke(made[1], staff, "fraud", "e2e")
        path = Path(app.instance_path) / "e2e-document.pdf"
        path.write_bytes(made[0].pdf)
        print(json.dumps({"valid": made[0].code, "revoked": made[1].code, "pdf": str(path)}))


if __name__ == "__main__":
    main()
