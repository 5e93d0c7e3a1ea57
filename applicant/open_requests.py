"""One open request per service and applicant, unless the service allows several (`open_requests: several`)."""

from __future__ import annotations

from core.models import Applicant, ServiceRequest


def open_request(applicant: Applicant, service_id: str) -> ServiceRequest | None:
    """The applicant's most recent request of this service that is not finished yet, if any."""
    return (ServiceRequest.select()
            .where((ServiceRequest.applicant == applicant) & (ServiceRequest.service_id == service_id)
                   & ServiceRequest.is_open)
            .order_by(ServiceRequest.submitted_at.desc(), ServiceRequest.id.desc()).first())


def blocking_request(applicant: Applicant, spec) -> ServiceRequest | None:
    """The open request that stops a new one of ``spec`` (None when there is none or the service allows several)."""
    return None if spec.open_requests == "several" else open_request(applicant, spec.id)
