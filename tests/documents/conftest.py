"""Fixtures for issued documents: the back-office world, a power of attorney request ready to be signed."""

from __future__ import annotations

import pytest

from tests.admin.conftest import (  # noqa: F401  # fixtures re-exported
    START,
    client,
    clock,
    make_request,
    page,
    staff_client,
    test_config,
    world,
)

POA_ANSWERS = {
    "power_type": "property_sale", "property_plate": "1234 فرعی از 56 اصلی", "property_address": "تهران، خیابان آزادی",
    "subject": "فروش آپارتمان واقع در تهران به هر مبلغ و شرایطی که وکیل صلاح بداند و امضای سند رسمی انتقال",
    "right_to_delegate": False, "irrevocable": True, "has_co_principals": False, "agent_first_name": "علی",
    "agent_last_name": "احمدی", "agent_father_name": "حسن", "agent_national_code": "0790419904",
    "agent_birth_date": "1980-05-01", "agent_phone": "+989121234567", "agent_address": "تهران، میدان ونک",
}
PROFILE = {"first_name": "سارا", "last_name": "رضایی", "first_name_latin": "Sara", "last_name_latin": "Rezaei",
           "father_name": "محمد", "passport_number": "K12345678", "birth_date": "1990-02-03",
           "residence_country": "DE"}


@pytest.fixture()
def poa(app, world) -> int:  # noqa: F811  # the imported fixture
    """A power of attorney request at "signed" (after check-in) in Berlin, with its registry number filled in."""
    from core.models import Applicant

    with app.app_context():
        Applicant.update(profile=PROFILE).where(Applicant.id == world["applicant"]).execute()
    return make_request(app, world["berlin"], world["applicant"], "power_of_attorney", answers=dict(POA_ANSWERS),
                        status="signed", staff_answers={"registry_number": "BER-2026-0042"})


def move(staff, request_id: int, to_status: str, service: str = "power_of_attorney"):
    """Press a transition button on the staff request page."""
    return staff.post(f"/admin/requests/{service}/transition/?id={request_id}",
                      data={"to_status": to_status})


def pdf_of(app, row) -> bytes:
    """The signed PDF of an issued document."""
    with app.app_context():
        return row.pdf
