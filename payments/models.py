"""Tables of fees and payments: each request's assessed fee, waiver decisions, payments, refunds, provider events."""

from __future__ import annotations

import peewee as pw

from core.models import BaseModel, Document, JSONField, Office, ServiceRequest, Staff, utcnow

METHODS = ("counter_cash", "counter_card", "bank_transfer", "online_card")
OFFICE_METHODS = ("counter", "bank_transfer", "online_card")  # what an office enables (counter: cash and card)


class RequestFee(BaseModel):
    """The fee a request was charged: the schedule in force on its submission day, in its office's currency."""

    request = pw.ForeignKeyField(ServiceRequest, unique=True, backref="fee_rows", on_delete="CASCADE")
    office = pw.ForeignKeyField(Office, on_delete="RESTRICT")
    day = pw.DateField()  # the submission day at the office (its time zone)
    currency = pw.CharField(max_length=3, default="")
    assessment = JSONField(null=True)  # fees.compute.Assessment.as_json(); None when unavailable
    problem = pw.CharField(max_length=200, default="")  # why no fee could be computed
    due_minor = pw.BigIntegerField(default=0)  # total less the waivers that apply (confirmed ones included)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("office", "day"), False),)


class WaiverDecision(BaseModel):
    """Staff confirming or refusing a waiver the answers claim, or granting one, with the reason."""

    request = pw.ForeignKeyField(ServiceRequest, backref="waiver_decisions", on_delete="CASCADE")
    waiver_id = pw.CharField(max_length=64)
    confirmed = pw.BooleanField()
    reason = pw.TextField()
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    at = pw.DateTimeField(default=utcnow)


class Payment(BaseModel):
    """Money paid, or being paid, towards a request's fee; only `confirmed` payments count."""

    request = pw.ForeignKeyField(ServiceRequest, backref="payments", on_delete="RESTRICT")
    office = pw.ForeignKeyField(Office, on_delete="RESTRICT")
    method = pw.CharField(max_length=20)
    status = pw.CharField(max_length=12, default="pending")  # pending | confirmed | rejected | failed | expired
    amount_minor = pw.BigIntegerField()
    currency = pw.CharField(max_length=3)
    counter_reference = pw.CharField(max_length=60, default="")  # the till or card-terminal receipt number
    slip = pw.ForeignKeyField(Document, null=True, on_delete="SET NULL")  # a bank transfer's slip
    provider = pw.CharField(max_length=20, default="")
    provider_ref = pw.CharField(max_length=120, null=True, unique=True)  # e.g. the Checkout Session id
    provider_payment = pw.CharField(max_length=120, default="")  # e.g. the PaymentIntent id (for refunds)
    note = pw.TextField(default="")  # staff's note (a rejection's reason is shown to the applicant)
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    created_at = pw.DateTimeField(default=utcnow)
    confirmed_at = pw.DateTimeField(null=True)
    day = pw.DateField(null=True)  # the day the money was received, at the office (its time zone)
    receipt_number = pw.CharField(max_length=40, null=True, unique=True)

    class Meta:
        indexes = ((("office", "day"), False), (("status", "method", "created_at"), False))


class Refund(BaseModel):
    """Money paid back from a confirmed payment, with the admin's reason and a numbered credit note."""

    payment = pw.ForeignKeyField(Payment, backref="refunds", on_delete="RESTRICT")
    amount_minor = pw.BigIntegerField()
    currency = pw.CharField(max_length=3)
    reason = pw.TextField()
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    at = pw.DateTimeField(default=utcnow)
    day = pw.DateField()
    credit_note_number = pw.CharField(max_length=40, unique=True)
    provider_ref = pw.CharField(max_length=120, default="")


class ProviderEvent(BaseModel):
    """A provider's webhook event, once: the unique id makes a repeated delivery change nothing."""

    provider = pw.CharField(max_length=20)
    event_id = pw.CharField(max_length=120)
    type = pw.CharField(max_length=80)
    received_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("provider", "event_id"), True),)


class NumberSequence(BaseModel):
    """The last number given in a series (receipts, credit notes) per office and year."""

    key = pw.CharField(max_length=80, unique=True)
    last = pw.IntegerField(default=0)


PAYMENT_MODELS = [RequestFee, WaiverDecision, Payment, Refund, ProviderEvent, NumberSequence]
