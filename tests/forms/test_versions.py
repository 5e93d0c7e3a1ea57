"""Snapshots carry the schema-language version they were written with and are read by that version's rules."""

from __future__ import annotations

import pytest

from forms import versions
from forms.registry import snapshot, spec_from_snapshot, version_key_of
from forms.spec import Service

SPEC = {
    "id": "versioned", "title": {"fa": "نسخه", "en": "Versioned"}, "category": "travel",
    "steps": [{"id": "main", "title": {"fa": "اصلی", "en": "Main"},
               "fields": [{"id": "name", "type": "text", "label": {"fa": "نام", "en": "Name"}}]}],
}


def test_a_snapshot_records_its_language_version_and_keeps_the_version_key() -> None:
    spec = Service.model_validate(SPEC)
    data = snapshot(spec)
    assert data[versions.LANGUAGE_KEY] == versions.CURRENT_VERSION == 1
    assert version_key_of(data) == spec.version_key  # the stamp is not part of the spec
    assert spec_from_snapshot("service", data) == spec


def test_snapshots_written_before_versions_existed_are_version_1() -> None:
    spec = Service.model_validate(SPEC)
    old = spec.snapshot()  # no stamp, as stored until now
    assert versions.LANGUAGE_KEY not in old
    rebuilt = spec_from_snapshot("service", old)
    assert rebuilt == spec and rebuilt.version_key == spec.version_key


def test_a_stricter_language_reads_old_snapshots_through_its_upgrade_steps(monkeypatch) -> None:
    # Language 2 (imagined): the old key `note` of a service is gone (today's rules reject unknown keys) and its
    # text became the service's description. Step 1 → 2 rewrites old snapshots, so old requests still render.
    spec = Service.model_validate(SPEC)
    old = {**spec.snapshot(), "note": "Bring your old passport", versions.LANGUAGE_KEY: 1}

    def one_to_two(kind: str, data: dict) -> dict:
        data = dict(data)
        note = data.pop("note", None)
        if kind == "service" and note:
            data["description"] = {"fa": note, "en": note}
        return data

    monkeypatch.setattr(versions, "CURRENT_VERSION", 2)
    monkeypatch.setitem(versions.UPGRADES, 1, one_to_two)
    rebuilt = spec_from_snapshot("service", old)
    assert rebuilt.description.en == "Bring your old passport"
    assert rebuilt.version_key == version_key_of(old)  # drafts and requests still find it by their key


def test_without_its_upgrade_step_an_old_snapshot_fails_loudly(monkeypatch) -> None:
    monkeypatch.setattr(versions, "CURRENT_VERSION", 2)
    with pytest.raises(KeyError):
        versions.upgrade("service", {"id": "x"}, 1)


def test_a_snapshot_of_a_newer_language_is_refused() -> None:
    with pytest.raises(versions.NewerLanguage, match="schema language 3; this Mikhak reads up to 1"):
        versions.upgrade("service", {"id": "x"}, 3)


def test_stored_snapshots_are_stamped_and_old_rows_still_read(app) -> None:
    from core.models import SchemaSnapshot
    from wizard.snapshots import ensure_snapshot, spec_for_version

    spec = Service.model_validate(SPEC)
    with app.app_context():
        key = ensure_snapshot(spec, "service")
        row = SchemaSnapshot.get(SchemaSnapshot.version_key == key)
        assert row.content[versions.LANGUAGE_KEY] == 1
        SchemaSnapshot.update(content=spec.snapshot()).where(SchemaSnapshot.id == row.id).execute()  # as before
        assert spec_for_version("service", "versioned", key) == spec
