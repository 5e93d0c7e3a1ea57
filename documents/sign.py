"""PAdES signatures with pyHanko: signing an issued PDF with its office's key, and checking a signed one."""

from __future__ import annotations

import io
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from flask import current_app
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from documents import keys

FIELD_NAME = "MikhakSignature"


def sign_pdf(pdf: bytes, office_code: str, *, reason: str, location: str) -> tuple[bytes, str]:
    """Return the PDF signed (PAdES baseline B) with the office's current key, and the certificate fingerprint."""
    current = keys.office_key(office_code)
    passphrase = current_app.config.get("SIGNING_KEY_PASSPHRASE") or None
    signer = signers.SimpleSigner.load(str(current.key_path), str(current.cert_path),
                                       key_passphrase=passphrase.encode() if passphrase else None)
    metadata = signers.PdfSignatureMetadata(field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES,
                                            md_algorithm="sha256", reason=reason[:200], location=location[:200])
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    output = signers.sign_pdf(writer, metadata, signer=signer)
    return output.getvalue(), current.fingerprint


@dataclass(frozen=True)
class SignatureCheck:
    """What checking the signature of an uploaded PDF found."""

    signed: bool
    intact: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    fingerprint: str = ""

    @property
    def ok(self) -> bool:
        """An intact, trusted signature over the whole file by a known office certificate."""
        return self.signed and self.intact and self.trusted and self.covers_whole_file and bool(self.fingerprint)


def _asn1(cert) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def check_pdf(data: bytes) -> SignatureCheck:
    """Check the Mikhak signature of a PDF: intact, chained to a trusted authority, covering every byte."""
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # any unreadable upload is simply "not a signed PDF"
        return SignatureCheck(signed=False)
    if not signatures:
        return SignatureCheck(signed=False)
    signature = signatures[-1]
    roots = [_asn1(cert) for cert in keys.trust_roots()]
    known = keys.known_certificates()
    context = ValidationContext(trust_roots=roots, other_certs=[_asn1(c) for c in known.values()],
                                allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(signature, context)
    except (SignatureValidationError, ValueError, KeyError, TypeError):
        return SignatureCheck(signed=True)
    signer_der = status.signing_cert.dump()
    found = next((fp for fp, cert in known.items()
                  if cert.public_bytes(serialization.Encoding.DER) == signer_der), "")
    return SignatureCheck(signed=True, intact=bool(status.intact and status.valid), trusted=bool(status.trusted),
                          covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
                          fingerprint=found)
