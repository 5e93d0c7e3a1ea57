"""Schema migrations: a fresh database gets every table; an existing one runs pending steps in order."""

from __future__ import annotations

from collections.abc import Callable

from playhouse.migrate import SchemaMigrator, migrate

from core.db import database, is_sqlite
from core.models import (
    CORE_MODELS,
    Document,
    IssuedDocument,
    IssuedDocumentFile,
    MailMessage,
    RequestEvent,
    SchemaVersion,
    ServiceRequest,
    Staff,
)
from payments.models import PAYMENT_MODELS

ALL_MODELS = [*CORE_MODELS, *PAYMENT_MODELS]  # every table: the core's, then the payments' (built on the core's)

SQLITE_AUDIT_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    for verb in ("UPDATE", "DELETE")
]
POSTGRES_AUDIT_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
    "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
]


def _audit_append_only(migrator: SchemaMigrator | None = None) -> None:
    """3: the database itself refuses to change or delete audit rows (triggers), not only the application."""
    statements = SQLITE_AUDIT_TRIGGERS if is_sqlite() else POSTGRES_AUDIT_TRIGGERS
    for statement in statements:
        database.execute_sql(statement)


def _mail_sensitive(migrator: SchemaMigrator) -> None:
    """2: outbox rows holding a one-time password are marked, so their bodies can be removed once sent."""
    migrate(migrator.add_column("mail_message", "sensitive", MailMessage.sensitive))


# Each step upgrades the schema from version N-1 to N with peewee's SchemaMigrator, e.g.
#   def _add_office_fax(migrator): migrate(migrator.add_column("office", "fax", Office.fax))
# A fresh database is created from the current models and stamped with the latest version
# (the models are the schema of LATEST), so steps only ever run on older databases.
def _list_indexes(migrator: SchemaMigrator) -> None:
    """4: indexes for the admins' first pages at a million requests (bench/RESULTS.md)."""
    migrate(
        migrator.add_index("service_request", ("service_id", "submitted_at"), False),
        migrator.add_index("service_request", ("submitted_at",), False),
        migrator.drop_index("request_answer_index", "request_answer_index_service_id_key_value"),
        migrator.add_index("request_answer_index", ("service_id", "key", "value", "request_id"), False),
    )


ANSWER_STATISTICS = (
    "CREATE STATISTICS IF NOT EXISTS request_answer_index_service_key_value (mcv, dependencies) "
    "ON service_id, key, value FROM request_answer_index"
)


def _answer_statistics(migrator: SchemaMigrator | None = None) -> None:
    """5: PostgreSQL learns how service, key and value go together in the answer index.

    Without it the planner multiplies their selectivities as if independent, expects ~100 requests where a
    filter matches 25,000, and joins them all before sorting (290 ms for an officer's filtered first page
    at a million requests); with it, it walks the office's list in order and stops at the page (10 ms).
    SQLite's planner needs no help here (bench/RESULTS.md).
    """
    if is_sqlite():
        return
    database.execute_sql(ANSWER_STATISTICS)
    database.execute_sql("ANALYZE request_answer_index")


def _open_flag(migrator: SchemaMigrator) -> None:
    """6: `service_request.is_open` and `closed_at`: the queue and the dashboard skip years of closed requests.

    Filled from each request's own workflow (current, else the snapshot it was made with) by `flask db upgrade`,
    which re-derives it after every upgrade in the same transaction (casework.workflow.sync_open_flags).
    """
    migrate(
        migrator.add_column("service_request", "is_open", ServiceRequest.is_open),
        migrator.add_column("service_request", "closed_at", ServiceRequest.closed_at),
        migrator.add_index("service_request", ("is_open", "submitted_at"), False),
        migrator.add_index("service_request", ("office_id", "is_open", "submitted_at"), False),
        migrator.add_index("service_request", ("is_open", "service_id", "status", "office_id", "due_at"), False),
        migrator.add_index("service_request", ("closed_at", "service_id", "status", "office_id"), False),
    )


def _system_notes(migrator: SchemaMigrator) -> None:
    """7: `request_event.system_note`: the system's timeline notes as key and parameters, in the reader's language."""
    migrate(migrator.add_column("request_event", "system_note", RequestEvent.system_note))


def _workflow_two(migrator: SchemaMigrator) -> None:
    """9: casework roles of staff, timers and targets of requests, documents' first view (workflow/)."""
    migrate(
        migrator.add_column("staff", "work_roles", Staff.work_roles),
        migrator.add_column("service_request", "status_since", ServiceRequest.status_since),
        migrator.add_column("service_request", "reminded_at", ServiceRequest.reminded_at),
        migrator.add_column("service_request", "escalated_at", ServiceRequest.escalated_at),
        migrator.add_column("document", "viewed_at", Document.viewed_at),
        migrator.add_index("service_request", ("service_id", "status", "status_since"), False),
        migrator.add_index("service_request", ("is_open", "due_at"), False),
    )
    # Officers keep preparing cases; nobody holds the new roles (consul, cashier, reception) until given them.
    Staff.update(work_roles=["officer"]).execute()
    ServiceRequest.update(status_since=ServiceRequest.updated_at).execute()


OFFICE_PAYMENT_COLUMNS = (
    "ALTER TABLE office ADD COLUMN currency VARCHAR(3) NOT NULL DEFAULT 'EUR'",
    "ALTER TABLE office ADD COLUMN payment_methods TEXT NOT NULL DEFAULT '[\"bank_transfer\", \"counter\"]'",
    "ALTER TABLE office ADD COLUMN bank_details TEXT NOT NULL DEFAULT ''",
)


def _payments(migrator: SchemaMigrator) -> None:
    """10: fees and payments: each office's currency, payment methods and bank details; the payments tables."""
    for statement in OFFICE_PAYMENT_COLUMNS:  # with SQL defaults: SQLite adds them without rebuilding the table
        database.execute_sql(statement)
    database.create_tables(PAYMENT_MODELS)


def _issued_documents(migrator: SchemaMigrator) -> None:
    """12: `issued_document` (+ its PDF in `issued_document_file`): signed documents issued for requests, their
    verification codes and revocations."""
    database.create_tables([IssuedDocument, IssuedDocumentFile])


MIGRATIONS: dict[int, Callable[[SchemaMigrator], None]] = {2: _mail_sensitive, 3: _audit_append_only,
                                                            4: _list_indexes, 5: _answer_statistics, 6: _open_flag,
                                                            7: _system_notes, 9: _workflow_two, 10: _payments,
                                                            12: _issued_documents}
# Steps that add more than tables (triggers, statistics) also run on a fresh database, after the tables.
ON_CREATE: tuple[Callable[[], None], ...] = (_audit_append_only, _answer_statistics)
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
            for step in ON_CREATE:
                step()
            SchemaVersion.create(version=LATEST)
            return None, LATEST
        migrator = SchemaMigrator.from_database(database.obj)
        for version in sorted(v for v in MIGRATIONS if v > before):
            MIGRATIONS[version](migrator)
            SchemaVersion.create(version=version)
        return before, max(before, LATEST)
