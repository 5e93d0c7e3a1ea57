"""`flask documents …`: development keys, key rotation, and the list of an office's certificates."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from core.models import Office
from documents import keys

documents_cli = AppGroup("documents", help="Issued documents: signing keys.")


def _key_dir() -> Path:
    return Path(current_app.config["SIGNING_KEY_DIR"])


@documents_cli.command("dev-keys")
def dev_keys() -> None:
    """Give every office without a key a development key pair (refused in production)."""
    if current_app.config.get("MIKHAK_ENV") == "production":
        raise click.ClickException("development keys are refused in production; install the offices' keys in "
                                   "SIGNING_KEY_DIR (see README, 'Issued documents')")
    offices = [(office.code, office.name_en) for office in Office.select().order_by(Office.code)]
    made = keys.ensure_dev_keys(_key_dir(), offices)
    click.echo(f"signing keys in {_key_dir()}: {len(made)} made ({', '.join(made) or 'none needed'})")


@documents_cli.command("rotate-key")
@click.option("--office", "office_code", required=True, help="office code, or 'default'")
def rotate_key(office_code: str) -> None:
    """Retire an office's key (its documents still verify) and make a new development key (not in production)."""
    if current_app.config.get("MIKHAK_ENV") == "production":
        raise click.ClickException("in production, move cert.pem to retired/ and install the new key and "
                                   "certificate by hand")
    retired = keys.retire(_key_dir(), office_code)
    office = Office.get_or_none(Office.code == office_code)
    keys.make_dev_key(_key_dir(), office_code, office.name_en if office else office_code)
    click.echo(f"retired {retired or 'nothing'}; new key for {office_code}")


@documents_cli.command("keys")
def list_keys() -> None:
    """List every known office certificate (current and retired) with its fingerprint."""
    for fingerprint, cert in sorted(keys.known_certificates().items()):
        click.echo(f"{fingerprint[:16]}  {cert.subject.rfc4514_string()}  until {cert.not_valid_after_utc:%Y-%m-%d}")
