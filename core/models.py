"""Peewee models: offices, people, sessions, drafts, requests, documents, mail, audit."""

from __future__ import annotations

import datetime as dt
import json

import peewee as pw
from flask import current_app, has_app_context

from core.db import database


def utcnow() -> dt.datetime:
    """The one clock: the current UTC time without tzinfo (stored as UTC everywhere); the app's ``CLOCK``
    setting, a callable, replaces it (tests freeze and move time with it)."""
    clock = current_app.config.get("CLOCK") if has_app_context() else None
    return clock() if clock else dt.datetime.now(dt.UTC).replace(tzinfo=None)


class JSONField(pw.TextField):
    """JSON stored as text, portable across SQLite and PostgreSQL."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def python_value(self, value):
        return None if value is None else json.loads(value)


class BaseModel(pw.Model):
    """Base of every table."""

    class Meta:
        database = database
        legacy_table_names = False


class SchemaVersion(BaseModel):
    """The database's schema version, written by `flask db upgrade`."""

    version = pw.IntegerField()
    applied_at = pw.DateTimeField(default=utcnow)


class Office(BaseModel):
    """A consular office (embassy section or consulate) with its calendar settings."""

    code = pw.CharField(max_length=40, unique=True)
    name_fa = pw.CharField(max_length=200)
    name_en = pw.CharField(max_length=200)
    country = pw.CharField(max_length=2, index=True)
    city_fa = pw.CharField(max_length=120, default="")
    city_en = pw.CharField(max_length=120, default="")
    address_fa = pw.TextField(default="")
    address_en = pw.TextField(default="")
    email = pw.CharField(max_length=254, default="")
    phone = pw.CharField(max_length=40, default="")
    timezone = pw.CharField(max_length=64, default="UTC")
    serves_countries = JSONField(default=list)
    slot_minutes = pw.IntegerField(default=20)
    slot_capacity = pw.IntegerField(default=2)
    opening_hours = JSONField(default=dict)
    active = pw.BooleanField(default=True)
    currency = pw.CharField(max_length=3, default="EUR")  # ISO 4217: fees are charged in it
    payment_methods = JSONField(default=lambda: ["counter", "bank_transfer"])  # payments.models.OFFICE_METHODS
    bank_details = pw.TextField(default="")  # where applicants send a bank transfer (account holder, IBAN, …)

    def name(self, locale: str) -> str:
        """Return the office name in the given language."""
        return self.name_fa if locale == "fa" else self.name_en

    def __str__(self) -> str:
        return f"{self.name_en} ({self.code})"


class Applicant(BaseModel):
    """A citizen abroad, identified by national code and bound to one email address."""

    national_code = pw.CharField(max_length=10, unique=True)
    email = pw.CharField(max_length=254)
    created_at = pw.DateTimeField(default=utcnow)
    activated_at = pw.DateTimeField(null=True)
    profile = JSONField(default=dict)
    profile_version = pw.CharField(max_length=32, default="")
    last_sign_in_at = pw.DateTimeField(null=True)
    locale = pw.CharField(max_length=5, default="fa")

    @property
    def is_activated(self) -> bool:
        """Return whether registration was confirmed."""
        return self.activated_at is not None

    def display_name(self, language: str = "fa") -> str:
        """Return the registered name (in Latin letters for English readers, when given), or the national code."""
        profile = self.profile or {}
        latin = " ".join(filter(None, [profile.get("first_name_latin"), profile.get("last_name_latin")]))
        name = " ".join(filter(None, [profile.get("first_name"), profile.get("last_name")]))
        return (latin if language == "en" and latin else name) or self.national_code


class ProfileRevision(BaseModel):
    """Every confirmed version of an applicant's registration details."""

    applicant = pw.ForeignKeyField(Applicant, backref="profile_revisions", on_delete="CASCADE")
    profile = JSONField()
    schema_version = pw.CharField(max_length=32)
    confirmed_at = pw.DateTimeField(default=utcnow)


class Staff(BaseModel):
    """A back-office user: password plus TOTP second factor, scoped to an office unless admin."""

    email = pw.CharField(max_length=254, unique=True)
    name = pw.CharField(max_length=200, default="")
    password_hash = pw.CharField(max_length=255)
    totp_secret = pw.CharField(max_length=64, default="")
    totp_confirmed = pw.BooleanField(default=False)
    totp_last_step = pw.BigIntegerField(default=0)
    role = pw.CharField(max_length=20, default="officer")
    work_roles = JSONField(default=lambda: ["officer"])  # casework roles at the office (workflow/roles.py)
    office = pw.ForeignKeyField(Office, null=True, backref="staff", on_delete="SET NULL")
    active = pw.BooleanField(default=True)
    failed_sign_ins = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=utcnow)

    @property
    def is_admin(self) -> bool:
        """Return whether this staff member sees every office."""
        return self.role == "admin"

    def __str__(self) -> str:
        return self.name or self.email


class UserSession(BaseModel):
    """A server-side session record, so that sign-out and timeouts revoke the cookie on every host."""

    token_hash = pw.CharField(max_length=64, unique=True)
    kind = pw.CharField(max_length=10)
    user_id = pw.IntegerField()
    created_at = pw.DateTimeField(default=utcnow)
    last_seen_at = pw.DateTimeField(default=utcnow)
    revoked_at = pw.DateTimeField(null=True)
    ip = pw.CharField(max_length=45, default="")
    user_agent = pw.CharField(max_length=255, default="")

    class Meta:
        indexes = ((("kind", "user_id"), False),)


class OtpChallenge(BaseModel):
    """An emailed one-time password: only its keyed hash is stored."""

    attempt_id = pw.CharField(max_length=64, unique=True)
    national_code = pw.CharField(max_length=10, index=True)
    email = pw.CharField(max_length=254)
    code_hmac = pw.CharField(max_length=64)
    created_at = pw.DateTimeField(default=utcnow)
    expires_at = pw.DateTimeField()
    wrong_entries = pw.IntegerField(default=0)
    used_at = pw.DateTimeField(null=True)
    voided_at = pw.DateTimeField(null=True)


class RateEvent(BaseModel):
    """One counted event (an OTP send, a failure, a lookup) for shared sliding-window limits."""

    key = pw.CharField(max_length=120)
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("key", "created_at"), False),)


class SchemaSnapshot(BaseModel):
    """A parsed schema as it was at one version, kept so old requests render as submitted."""

    version_key = pw.CharField(max_length=32, unique=True)
    kind = pw.CharField(max_length=20)
    schema_id = pw.CharField(max_length=64, index=True)
    content = JSONField()
    created_at = pw.DateTimeField(default=utcnow)


class Draft(BaseModel):
    """A wizard in progress, saved at every step."""

    applicant = pw.ForeignKeyField(Applicant, backref="drafts", on_delete="CASCADE")
    kind = pw.CharField(max_length=20)
    schema_id = pw.CharField(max_length=64)
    version_key = pw.CharField(max_length=32)
    office = pw.ForeignKeyField(Office, null=True, on_delete="SET NULL")
    answers = JSONField(default=dict)
    completed_steps = JSONField(default=list)
    review_steps = JSONField(default=list)
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("applicant", "kind", "schema_id"), False),)


class ServiceRequest(BaseModel):
    """A submitted request for a consular service."""

    tracking_code = pw.CharField(max_length=16, unique=True)
    applicant = pw.ForeignKeyField(Applicant, backref="requests", on_delete="RESTRICT")
    service_id = pw.CharField(max_length=64)
    version_key = pw.CharField(max_length=32)
    office = pw.ForeignKeyField(Office, backref="requests", on_delete="RESTRICT")
    status = pw.CharField(max_length=40)
    is_open = pw.BooleanField(default=True)  # status not final in the request's own workflow (set by casework)
    closed_at = pw.DateTimeField(null=True)  # when it reached a final status (None while open)
    answers = JSONField(default=dict)
    staff_answers = JSONField(default=dict)
    amend_fields = JSONField(default=list)
    applicant_name = pw.CharField(max_length=200, default="")
    national_code = pw.CharField(max_length=10)
    assigned_to = pw.ForeignKeyField(Staff, null=True, backref="assigned_requests", on_delete="SET NULL")
    submitted_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)
    due_at = pw.DateTimeField(null=True)
    status_since = pw.DateTimeField(null=True)  # when it entered its status (timers count from it)
    reminded_at = pw.DateTimeField(null=True)  # the timer's reminder for the current status was sent
    escalated_at = pw.DateTimeField(null=True)  # the office's admins were told it passed its target

    class Meta:
        indexes = (
            (("office", "status", "submitted_at"), False),
            (("service_id", "office", "submitted_at"), False),
            (("service_id", "submitted_at"), False),  # a service's list for admins (every office)
            (("office", "submitted_at"), False),
            (("submitted_at",), False),
            (("is_open", "submitted_at"), False),  # the "All requests" queue (open only, oldest first)
            (("office", "is_open", "submitted_at"), False),
            # The dashboard's counts, read from the index alone: open requests, then recent closures.
            (("is_open", "service_id", "status", "office", "due_at"), False),
            (("closed_at", "service_id", "status", "office"), False),
            (("national_code",), False),
            (("applicant", "submitted_at"), False),
            (("service_id", "status", "status_since"), False),  # workflow tick: timers due
            (("is_open", "due_at"), False),  # workflow tick: requests past their target
        )

    @classmethod
    def still_open(cls) -> pw.Expression:
        """The SQL condition "the request is open" (the indexed flag, as `= TRUE` so that SQLite uses the index)."""
        return cls.is_open == True  # noqa: E712 (SQL, not Python)


class RequestAnswerIndex(BaseModel):
    """Side table of answers a service declares filterable or searchable, for indexed staff lists."""

    request = pw.ForeignKeyField(ServiceRequest, backref="indexed_answers", on_delete="CASCADE")
    service_id = pw.CharField(max_length=64)
    key = pw.CharField(max_length=64)
    value = pw.CharField(max_length=200)

    class Meta:
        # Covering: filters find (service, key, value) and read the request id from the index alone.
        indexes = ((("service_id", "key", "value", "request"), False),)


class RequestEvent(BaseModel):
    """One status change or message on a request's timeline; never overwritten."""

    request = pw.ForeignKeyField(ServiceRequest, backref="events", on_delete="CASCADE")
    kind = pw.CharField(max_length=20, default="status")
    from_status = pw.CharField(max_length=40, default="")
    to_status = pw.CharField(max_length=40, default="")
    public_note = pw.TextField(default="")
    # A note the system wrote ({"key": …, parameters}): shown in the reader's language, not the baked public_note.
    system_note = JSONField(null=True)
    internal_note = pw.TextField(default="")
    actor_type = pw.CharField(max_length=10, default="system")
    actor_id = pw.IntegerField(null=True)
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("request", "created_at"), False),)


class Document(BaseModel):
    """An uploaded file, attached to a draft while editing and to a request once submitted."""

    applicant = pw.ForeignKeyField(Applicant, backref="documents", on_delete="CASCADE")
    draft = pw.ForeignKeyField(Draft, null=True, backref="documents", on_delete="SET NULL")
    request = pw.ForeignKeyField(ServiceRequest, null=True, backref="documents", on_delete="CASCADE")
    field_id = pw.CharField(max_length=64)
    storage_key = pw.CharField(max_length=100, unique=True)
    original_name = pw.CharField(max_length=255, default="")
    content_type = pw.CharField(max_length=100)
    size = pw.IntegerField()
    sha256 = pw.CharField(max_length=64)
    uploaded_at = pw.DateTimeField(default=utcnow)
    viewed_at = pw.DateTimeField(null=True)  # first opened by staff (a workflow guard may require it)


class StoredBlob(BaseModel):
    """File content for the database storage backend (several hosts sharing only PostgreSQL)."""

    key = pw.CharField(max_length=100, unique=True)
    data = pw.BlobField()


class MailMessage(BaseModel):
    """The outbox: written in the same transaction as the action, delivered later with retries."""

    to = pw.CharField(max_length=254)
    subject = pw.CharField(max_length=255)
    body_text = pw.TextField()
    body_html = pw.TextField(default="")
    attachments = JSONField(default=list)
    created_at = pw.DateTimeField(default=utcnow)
    status = pw.CharField(max_length=10, default="pending")
    attempts = pw.IntegerField(default=0)
    next_attempt_at = pw.DateTimeField(default=utcnow)
    sent_at = pw.DateTimeField(null=True)
    last_error = pw.TextField(default="")
    sensitive = pw.BooleanField(default=False)  # holds a one-time password: bodies removed after SMTP delivery

    class Meta:
        indexes = ((("status", "next_attempt_at"), False),)


class AuditLog(BaseModel):
    """Append-only record of security-relevant events and every staff action."""

    at = pw.DateTimeField(default=utcnow, index=True)
    actor_type = pw.CharField(max_length=10)
    actor_id = pw.IntegerField(null=True)
    actor_label = pw.CharField(max_length=254, default="")
    action = pw.CharField(max_length=60, index=True)
    object_type = pw.CharField(max_length=40, default="")
    object_id = pw.CharField(max_length=64, default="")
    office_id = pw.IntegerField(null=True, index=True)
    ip = pw.CharField(max_length=45, default="")
    request_id = pw.CharField(max_length=32, default="")
    details = JSONField(default=dict)


class Slot(BaseModel):
    """One appointment time of an office (UTC start) and how many seats are taken: the row booking locks."""

    office = pw.ForeignKeyField(Office, backref="slots", on_delete="CASCADE")
    starts_at = pw.DateTimeField()
    booked = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("office", "starts_at"), True),)


class Appointment(BaseModel):
    """A notice of the time to attend: one seat of a slot, for one request.

    ``active_request`` holds the request's id while the appointment is booked and NULL otherwise; its
    unique index makes a second live appointment for the same request impossible.
    """

    request = pw.ForeignKeyField(ServiceRequest, backref="appointments", on_delete="CASCADE")
    office = pw.ForeignKeyField(Office, backref="appointments", on_delete="RESTRICT")
    slot = pw.ForeignKeyField(Slot, backref="appointments", on_delete="RESTRICT")
    starts_at = pw.DateTimeField()
    ends_at = pw.DateTimeField()
    status = pw.CharField(max_length=12, default="booked")
    active_request = pw.IntegerField(null=True, unique=True)
    sequence = pw.IntegerField(default=0)
    created_at = pw.DateTimeField(default=utcnow)
    actor_type = pw.CharField(max_length=10, default="system")
    actor_id = pw.IntegerField(null=True)
    checked_in_at = pw.DateTimeField(null=True)
    closed_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("office", "starts_at"), False), (("request", "created_at"), False))


class RescheduleRequest(BaseModel):
    """An applicant's cancellation or request to move an appointment, and the office's answer.

    ``pending_for`` holds the appointment's id while the request waits for staff (one at a time).
    """

    appointment = pw.ForeignKeyField(Appointment, backref="change_requests", on_delete="CASCADE")
    request = pw.ForeignKeyField(ServiceRequest, backref="reschedule_requests", on_delete="CASCADE")
    kind = pw.CharField(max_length=12, default="reschedule")
    preferred_start = pw.DateTimeField(null=True)
    note = pw.TextField(default="")
    status = pw.CharField(max_length=10, default="pending")
    pending_for = pw.IntegerField(null=True, unique=True)
    answer_note = pw.TextField(default="")
    answered_by = pw.ForeignKeyField(Staff, null=True, backref="answered_reschedules", on_delete="SET NULL")
    new_appointment = pw.ForeignKeyField(Appointment, null=True, backref="replacing", on_delete="SET NULL")
    created_at = pw.DateTimeField(default=utcnow)
    answered_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("status", "created_at"), False),)


class ClosedDay(BaseModel):
    """A day an office takes no appointments: an Iranian holiday (every office), a host-country or office one.

    ``key`` ("iran::2026-03-21", "country:DE:2026-10-03", "office:de-berlin:2026-12-24") makes loading
    the holidays file again update rows instead of adding duplicates.
    """

    key = pw.CharField(max_length=80, unique=True)
    day = pw.DateField(index=True)
    scope = pw.CharField(max_length=10)
    country = pw.CharField(max_length=2, default="")
    office = pw.ForeignKeyField(Office, null=True, backref="closed_days", on_delete="CASCADE")
    name_fa = pw.CharField(max_length=200, default="")
    name_en = pw.CharField(max_length=200, default="")


class IssuedDocument(BaseModel):
    """A signed document issued for a request (documents/): its verification code, PDF and revocation."""

    code = pw.CharField(max_length=16, unique=True)  # the verification code, normalized (documents.codes)
    request = pw.ForeignKeyField(ServiceRequest, backref="issued_documents", on_delete="RESTRICT")
    office = pw.ForeignKeyField(Office, backref="issued_documents", on_delete="RESTRICT")
    service_id = pw.CharField(max_length=64)
    document_type = pw.CharField(max_length=64)
    title_fa = pw.CharField(max_length=200)
    title_en = pw.CharField(max_length=200)
    holder_name_fa = pw.CharField(max_length=200)
    holder_name_en = pw.CharField(max_length=200)
    signer = pw.ForeignKeyField(Staff, null=True, backref="signed_documents", on_delete="SET NULL")
    signer_name = pw.CharField(max_length=200, default="")
    issued_at = pw.DateTimeField(default=utcnow)
    expires_at = pw.DateTimeField(null=True)
    sha256 = pw.CharField(max_length=64, index=True)  # of the signed PDF (IssuedDocumentFile)
    key_fingerprint = pw.CharField(max_length=64)
    revoked_at = pw.DateTimeField(null=True)
    revoked_by = pw.ForeignKeyField(Staff, null=True, backref="revoked_documents", on_delete="SET NULL")
    revocation_reason = pw.CharField(max_length=20, default="")
    revocation_note = pw.TextField(default="")
    superseded_by = pw.ForeignKeyField("self", null=True, backref="supersedes", on_delete="SET NULL")

    class Meta:
        indexes = ((("request", "issued_at"), False),)

    @property
    def pdf(self) -> bytes:
        """The signed PDF, as issued."""
        return bytes(IssuedDocumentFile.get(IssuedDocumentFile.document == self.id).pdf)


class IssuedDocumentFile(BaseModel):
    """The signed PDF of an issued document, apart so that verification reads only small rows."""

    document = pw.ForeignKeyField(IssuedDocument, unique=True, backref="files", on_delete="CASCADE")
    pdf = pw.BlobField()


CORE_MODELS = [
    SchemaVersion, Office, Applicant, ProfileRevision, Staff, UserSession, OtpChallenge, RateEvent,
    SchemaSnapshot, Draft, ServiceRequest, RequestAnswerIndex, RequestEvent, Document, StoredBlob,
    MailMessage, AuditLog, Slot, Appointment, RescheduleRequest, ClosedDay,
    IssuedDocument, IssuedDocumentFile,
]
