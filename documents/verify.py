"""Answering "is this document genuine?": by code (the same work for known and unknown codes) or by the PDF."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from peewee import JOIN

from core import audit, ratelimit
from core.db import database
from core.models import IssuedDocument, Office
from core.origin import client_ip
from documents import codes
from documents.sign import SignatureCheck, check_pdf

VALID, REVOKED, SUPERSEDED, EXPIRED, UNKNOWN = "valid", "revoked", "superseded", "expired", "unknown"
NEVER = "!" * codes.LENGTH  # looked up for input that is not a code, so every lookup does the same work
Successor = IssuedDocument.alias("successor")


@dataclass(frozen=True)
class Answer:
    """What a verifier is told: the status and only what is needed to compare with the paper."""

    status: str
    code: str = ""
    document_type: dict[str, str] = field(default_factory=dict)
    holder_name: dict[str, str] = field(default_factory=dict)
    office: dict[str, str] = field(default_factory=dict)
    issued_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    revocation_reason: str = ""
    superseded_by: str = ""

    def as_json(self) -> dict[str, Any]:
        """The answer of the JSON endpoint (dates as ISO 8601, UTC)."""
        return {"status": self.status, "code": self.code or None, "document_type": self.document_type or None,
                "holder_name": self.holder_name or None, "office": self.office or None,
                "issued_on": self.issued_at.date().isoformat() if self.issued_at else None,
                "expires_on": self.expires_at.date().isoformat() if self.expires_at else None,
                "revoked_at": _iso(self.revoked_at), "revocation_reason": self.revocation_reason or None,
                "superseded_by": self.superseded_by or None}


def _iso(value: dt.datetime | None) -> str | None:
    """A naive UTC time as ISO 8601 with its offset."""
    return value.replace(tzinfo=dt.UTC).isoformat() if value else None


def status_of(row: IssuedDocument, now: dt.datetime) -> str:
    """valid, revoked, superseded or expired (a replaced document says so even if it was also revoked)."""
    if row.superseded_by_id is not None:
        return SUPERSEDED
    if row.revoked_at is not None:
        return REVOKED
    if row.expires_at is not None and row.expires_at <= now:
        return EXPIRED
    return VALID


def _find(code: str) -> IssuedDocument | None:
    """One indexed query, the same for every input: the document, its office and its successor's code."""
    query = (IssuedDocument.select(IssuedDocument.id, IssuedDocument.code, IssuedDocument.title_fa,
                                   IssuedDocument.title_en, IssuedDocument.holder_name_fa,
                                   IssuedDocument.holder_name_en, IssuedDocument.issued_at, IssuedDocument.expires_at,
                                   IssuedDocument.revoked_at, IssuedDocument.revocation_reason,
                                   IssuedDocument.superseded_by, IssuedDocument.office, Office.name_fa,
                                   Office.name_en, Successor.code.alias("successor_code"))
             .join(Office, on=(IssuedDocument.office == Office.id))
             .switch(IssuedDocument)
             .join(Successor, JOIN.LEFT_OUTER, on=(IssuedDocument.superseded_by == Successor.id))
             .where(IssuedDocument.code == code))
    return query.objects().first()


def answer_for(row: IssuedDocument | None, now: dt.datetime) -> Answer:
    """The answer about a looked-up row (None: unknown)."""
    if row is None:
        return Answer(UNKNOWN)
    status = status_of(row, now)
    return Answer(status=status, code=codes.display(row.code),
                  document_type={"fa": row.title_fa, "en": row.title_en},
                  holder_name={"fa": row.holder_name_fa, "en": row.holder_name_en},
                  office={"fa": row.name_fa, "en": row.name_en}, issued_at=row.issued_at,
                  expires_at=row.expires_at, revoked_at=row.revoked_at if status == REVOKED else None,
                  revocation_reason=row.revocation_reason if status == REVOKED else "",
                  superseded_by=codes.display(row.successor_code) if row.successor_code else "")


def rate_key() -> str:
    """The rate-limit key of the asking address."""
    return f"verify:ip:{client_ip()}"


def limited(limit: int, window: int) -> int:
    """Seconds the asker must wait (0: go on), counting this lookup when allowed."""
    key = rate_key()
    with database.atomic():
        ratelimit.lock(key)
        wait = ratelimit.seconds_until_allowed(key, limit, window)
        if not wait:
            ratelimit.hit(key)
        return wait


def by_code(typed: str, channel: str) -> Answer:
    """Look a typed or scanned code up, audited; unknown and malformed input take the same path as known codes."""
    code = codes.normalize(typed)
    with database.atomic():
        row = _find(code or NEVER)
        answer = answer_for(row, ratelimit.now())
        audit.record("document.verify", object_type="issued_document", object_id=row.id if row else "",
                     office_id=row.office_id if row else None, channel=channel, result=answer.status)
    return answer


@dataclass(frozen=True)
class UploadAnswer:
    """What checking an uploaded PDF found: its signature, whether it is byte for byte an issued one, and that one."""

    signature: SignatureCheck
    matches: bool
    answer: Answer

    @property
    def genuine(self) -> bool:
        """Signed by a known office key and identical to the document issued."""
        return self.signature.ok and self.matches


def by_upload(data: bytes) -> UploadAnswer:
    """Check an uploaded PDF's signature and find the issued document with the same SHA-256 (audited)."""
    digest = hashlib.sha256(data).hexdigest()
    signature = check_pdf(data)
    with database.atomic():
        match = IssuedDocument.select(IssuedDocument.code).where(IssuedDocument.sha256 == digest).first()
        row = _find(match.code if match else NEVER)
        answer = answer_for(row, ratelimit.now())
        audit.record("document.verify", object_type="issued_document", object_id=row.id if row else "",
                     office_id=row.office_id if row else None, channel="upload", result=answer.status,
                     signature_ok=signature.ok)
    return UploadAnswer(signature=signature, matches=row is not None, answer=answer)
