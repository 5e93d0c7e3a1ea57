"""Schema migrations: a fresh database gets every table; an existing one runs pending steps in order."""

from __future__ import annotations

from collections.abc import Callable

from playhouse.migrate import SchemaMigrator, migrate

from db import database
from models import ALL_MODELS, MailMessage, SchemaVersion


def _mail_sensitive(migrator: SchemaMigrator) -> None:
    """2: outbox rows holding a one-time password are marked, so their bodies can be removed once sent."""
    migrate(migrator.add_column("mail_message", "sensitive", MailMessage.sensitive))


# Each step upgrades the schema from version N-1 to N with peewee's SchemaMigrator, e.g.
#   def _add_office_fax(migrator): migrate(migrator.add_column("office", "fax", Office.fax))
# A fresh database is created from the current models and stamped with the latest version
# (the models are the schema of LATEST), so steps only ever run on older databases.
MIGRATIONS: dict[int, Callable[[SchemaMigrator], None]] = {2: _mail_sensitive}
LATEST = max(MIGRATIONS, default=1)


def current_version() -> int | None:
    """Return the recorded schema version, or None for an empty database."""
    if not database.table_exists(SchemaVersion._meta.table_name):
        return None
    row = SchemaVersion.select().order_by(SchemaVersion.version.desc()).first()
    return row.version if row else None


def upgrade() -> tuple[int | None, int]:
    """Bring the database to the latest version; return (version before, version after)."""
    with database.atomic():
        before = current_version()
        if before is None:
            database.create_tables(ALL_MODELS)
            SchemaVersion.create(version=LATEST)
            return None, LATEST
        migrator = SchemaMigrator.from_database(database.obj)
        for version in sorted(v for v in MIGRATIONS if v > before):
            MIGRATIONS[version](migrator)
            SchemaVersion.create(version=version)
        return before, max(before, LATEST)
