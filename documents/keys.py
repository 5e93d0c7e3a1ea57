"""The offices' signing keys and certificates, read from files (never from the repository).

Layout of ``SIGNING_KEY_DIR`` (default ``instance/signing``)::

    trust/*.pem                 certificates of the authorities that issue the offices' certificates
    <office code>/key.pem       the office's current private key (PEM, optionally encrypted: SIGNING_KEY_PASSPHRASE)
    <office code>/cert.pem      its certificate
    <office code>/retired/*.pem certificates of the office's earlier keys (the keys themselves are destroyed)
    default/key.pem, cert.pem   used by an office that has no directory of its own

A document records the fingerprint of the certificate it was signed with; documents signed with a retired
key still verify, because the retired certificate stays known and trusted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask import current_app

DEV_CA_NAME = "Mikhak development signing authority (not for production)"


class NoSigningKey(Exception):
    """The office has no signing key configured."""


@dataclass(frozen=True)
class OfficeKey:
    """The files of one office's current key."""

    key_path: Path
    cert_path: Path

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the certificate (DER), hex."""
        return fingerprint(load_cert(self.cert_path))


def key_dir() -> Path:
    """The configured key directory."""
    return Path(current_app.config["SIGNING_KEY_DIR"])


def load_cert(path: Path) -> x509.Certificate:
    """Read one PEM certificate."""
    return x509.load_pem_x509_certificate(path.read_bytes())


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of a certificate's DER encoding, hex."""
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def office_key(office_code: str) -> OfficeKey:
    """Return the current key of an office (or the default one); raise NoSigningKey when neither exists."""
    for name in (office_code, "default"):
        folder = key_dir() / name
        if (folder / "key.pem").is_file() and (folder / "cert.pem").is_file():
            return OfficeKey(folder / "key.pem", folder / "cert.pem")
    raise NoSigningKey(office_code)


def trust_roots() -> list[x509.Certificate]:
    """Certificates of the authorities trusted for issued documents."""
    return [load_cert(path) for path in sorted((key_dir() / "trust").glob("*.pem"))]


def known_certificates() -> dict[str, x509.Certificate]:
    """Every office certificate, current and retired, by fingerprint."""
    found: dict[str, x509.Certificate] = {}
    root = key_dir()
    if not root.is_dir():
        return found
    for path in [*root.glob("*/cert.pem"), *root.glob("*/retired/*.pem")]:
        cert = load_cert(path)
        found[fingerprint(cert)] = cert
    return found


# -- development keys ------------------------------------------------------------------------------
NAME_LIMIT = 64  # X.509 upper bound of a common or organisation name (RFC 5280, ub-common-name)


def fit_name(text: str, limit: int = NAME_LIMIT) -> str:
    """``text`` shortened at a word to fit an X.509 name ("Consular Section, Embassy of … London" is 68)."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;-")
    return cut + "…"


def _name(common_name: str, organisation: str = "Mikhak") -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, fit_name(common_name)),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, fit_name(organisation))])


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    path.chmod(0o600)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _dev_ca(root: Path) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """Return the development authority, creating it on first use."""
    key_path, cert_path = root / "dev-ca" / "key.pem", root / "trust" / "dev-ca.pem"
    if key_path.is_file() and cert_path.is_file():
        key = serialization.load_pem_private_key(key_path.read_bytes(), None)
        return key, load_cert(cert_path)  # type: ignore[return-value]
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(DEV_CA_NAME)).issuer_name(_name(DEV_CA_NAME))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    _write_key(key_path, key)
    _write_cert(cert_path, cert)
    return key, cert


def make_dev_key(root: Path, office_code: str, office_name: str = "") -> Path:
    """Create a development key and certificate for an office (issued by the development authority)."""
    ca_key, ca_cert = _dev_ca(root)
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(office_name or office_code, "Mikhak consular office"))
            .issuer_name(ca_cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1825))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(ca_key, hashes.SHA256()))
    folder = root / office_code
    _write_key(folder / "key.pem", key)
    _write_cert(folder / "cert.pem", cert)
    return folder


def retire(root: Path, office_code: str) -> Path | None:
    """Move an office's current certificate to retired/ and destroy its key; return the retired file."""
    folder = root / office_code
    cert_path = folder / "cert.pem"
    if not cert_path.is_file():
        return None
    target = folder / "retired" / f"{fingerprint(load_cert(cert_path))[:16]}.pem"
    target.parent.mkdir(parents=True, exist_ok=True)
    cert_path.rename(target)
    (folder / "key.pem").unlink(missing_ok=True)
    return target


def ensure_dev_keys(root: Path, offices: list[tuple[str, str]]) -> list[str]:
    """Give every office (code, name) without a key a development one; return the codes that got one."""
    made = []
    for code, name in [*offices, ("default", "Mikhak")]:
        if not (root / code / "key.pem").is_file():
            make_dev_key(root, code, name)
            made.append(code)
    return made
