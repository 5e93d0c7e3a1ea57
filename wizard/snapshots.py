"""Schema snapshots: every version a draft or request was made with is kept in the database."""

from __future__ import annotations

from core.models import SchemaSnapshot
from forms.registry import current_registry, snapshot, spec_from_snapshot


def ensure_snapshot(spec, kind: str) -> str:
    """Store the snapshot of ``spec`` once per version; return its version key."""
    key = spec.version_key
    if not SchemaSnapshot.select().where(SchemaSnapshot.version_key == key).exists():
        SchemaSnapshot.insert(version_key=key, kind=kind, schema_id=spec.id,
                              content=snapshot(spec)).on_conflict_ignore().execute()
    return key


def spec_for_version(kind: str, schema_id: str, version_key: str):
    """Return the spec a draft or request was made with: the loaded one if current, else the stored snapshot."""
    current = current_spec(kind, schema_id)
    if current is not None and current.version_key == version_key:
        return current
    row = SchemaSnapshot.get_or_none(SchemaSnapshot.version_key == version_key)
    if row is None:
        return current
    return spec_from_snapshot(kind, row.content)


def current_spec(kind: str, schema_id: str):
    """Return the currently loaded spec for ``kind`` and id, or None when it no longer exists."""
    registry = current_registry()
    if kind == "registration":
        return registry.registration
    return registry.services.get(schema_id)
