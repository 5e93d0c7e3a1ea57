"""All loaded schemas: load and check every file at once, versions, snapshots, the app hook and `schemas check`."""

from __future__ import annotations

import dataclasses
import hashlib
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from pydantic import Field, TypeAdapter

from forms import languages, versions
from forms.checks import check_document
from forms.converter import compile_forms
from forms.errors import SchemaError, SchemaErrors, gc_paused
from forms.loader import Document, read_document, validate
from forms.spec import KINDS, Category, Registration, Service, Wizard, canonical_json

EXTENSION = "mikhak_schemas"
SNAPSHOT_CACHE_SIZE = 256
_SNAPSHOTS: dict[str, Wizard] = {}
CATEGORIES = TypeAdapter(Annotated[list[Category], Field(min_length=1)])


@dataclass
class FileResult:
    """What loading one file produced."""

    path: Path
    name: str
    kind: str
    spec: Any = None
    errors: list[SchemaError] = field(default_factory=list)
    warnings: list[SchemaError] = field(default_factory=list)
    doc: Document | None = None


@dataclass
class Registry:
    """The registration, categories and services loaded from one schema directory."""

    schema_dir: Path
    registration: Registration
    categories: dict[str, Category]
    services: dict[str, Service]
    warnings: list[SchemaError] = field(default_factory=list)

    def service(self, service_id: str) -> Service:
        """The service ``service_id`` (KeyError when unknown)."""
        return self.services[service_id]

    def enabled_services(self) -> list[Service]:
        """Services offered to applicants, in category/title order."""
        return [spec for spec in self.services.values() if spec.enabled]

    def catalog(self) -> list[tuple[Category, list[Service]]]:
        """Enabled services grouped by category, categories in file order, empty ones left out."""
        groups = [(category, [s for s in self.enabled_services() if s.category == cid])
                  for cid, category in self.categories.items()]
        return [(category, specs) for category, specs in groups if specs]

    def snapshot(self, spec: Wizard) -> dict:
        """The JSON-able snapshot stored once per version key."""
        return snapshot(spec)

    def spec_from_snapshot(self, kind: str, data: dict) -> Wizard:
        """Rebuild a spec from its snapshot: the loaded spec when it is that version, else a cached rebuild."""
        key = version_key_of(data)
        current = [self.registration, *self.services.values()]
        found = next((s for s in current if s.version_key == key and s.kind == kind), None)
        return found or spec_from_snapshot(kind, data)


def snapshot(spec: Wizard) -> dict:
    """The JSON-able snapshot of ``spec``, stamped with the schema-language version it is written in."""
    return versions.stamp(spec.snapshot())


def spec_from_snapshot(kind: str, data: dict) -> Wizard:
    """Rebuild a 'service' or 'registration' spec from a stored snapshot, by the rules of its language version
    (upgraded step by step, forms/versions.py); cached, so pages don't re-parse it. It keeps the version key
    it was stored under."""
    key = f"{kind}:{version_key_of(data)}"
    found = _SNAPSHOTS.get(key)
    if found is None:
        spec_data, version = versions.split(data)
        found = KINDS[kind].model_validate(versions.upgrade(kind, spec_data, version))
        if version != versions.CURRENT_VERSION:
            found.__dict__["version_key"] = version_key_of(data)  # the key drafts and requests refer to
        if len(_SNAPSHOTS) >= SNAPSHOT_CACHE_SIZE:
            _SNAPSHOTS.pop(next(iter(_SNAPSHOTS)), None)
        _SNAPSHOTS[key] = found
    return found


def version_key_of(data: dict) -> str:
    """The version key a snapshot's spec has (its language stamp left out)."""
    return hashlib.sha256(canonical_json(versions.split(data)[0]).encode()).hexdigest()[:12]


def _display(path: Path, schema_dir: Path) -> str:
    """File name as shown in messages: relative to the schema directory's parent."""
    try:
        return str(path.relative_to(schema_dir.parent))
    except ValueError:
        return str(path)


def _read(path: Path, name: str, kind: str, model: Any, root: Any = None) -> FileResult:
    """Read and validate one file, recording its errors."""
    result = FileResult(path, name, kind)
    try:
        result.doc = read_document(path, name)
        result.spec = validate(result.doc, model, root)
    except SchemaErrors as exc:
        result.errors.extend(exc.errors)
    return result


def _split(result: FileResult, problems: list[SchemaError]) -> None:
    """File problems as errors or warnings."""
    result.errors.extend(p for p in problems if not p.warning)
    result.warnings.extend(p for p in problems if p.warning)


def load_files(schema_dir: Path) -> list[FileResult]:
    """Load and check categories.yaml, registration.yaml and services/*.yaml, collecting all problems."""
    with gc_paused():
        return _load_files(Path(schema_dir))


def _load_files(schema_dir: Path) -> list[FileResult]:
    """The work of load_files."""
    categories = _read(schema_dir / "categories.yaml", _display(schema_dir / "categories.yaml", schema_dir),
                       "categories", CATEGORIES, list[Category])
    category_ids = None
    if categories.spec is not None:
        _split(categories, languages.check_languages(categories.doc))
        seen: dict[str, int] = {}
        for i, category in enumerate(categories.spec):
            if category.id in seen:
                first = categories.doc.where((seen[category.id], "id"))[0]
                categories.errors.append(categories.doc.error(
                    (i, "id"), f"duplicate category id {category.id!r} (first used on line {first})"))
            seen.setdefault(category.id, i)
        category_ids = list(seen)
    reg_path = schema_dir / "registration.yaml"
    registration = _read(reg_path, _display(reg_path, schema_dir), "registration", Registration)
    if registration.spec is not None:
        _split(registration, [*check_document(registration.spec, registration.doc),
                              *languages.check_languages(registration.doc)])
    results = [categories, registration]
    service_files: dict[str, FileResult] = {}
    for path in sorted((schema_dir / "services").glob("*.yaml")):
        result = _read(path, _display(path, schema_dir), "service", Service)
        if result.spec is not None:
            reg_spec = registration.spec if not registration.errors else None
            _split(result, [*check_document(result.spec, result.doc, reg_spec, category_ids),
                            *languages.check_languages(result.doc)])
            first = service_files.get(result.spec.id)
            if first is not None:
                result.errors.append(result.doc.error(("id",), f"service id {result.spec.id!r} is already used by "
                                                               f"{first.name}"))
            else:
                service_files[result.spec.id] = result
        results.append(result)
    return results


def build_registry(schema_dir: Path, results: list[FileResult]) -> Registry:
    """Assemble a Registry from error-free results (raises SchemaErrors otherwise)."""
    errors = [error for result in results for error in result.errors]
    if errors:
        raise SchemaErrors(errors)
    categories = {c.id: c for c in results[0].spec}
    order = {cid: i for i, cid in enumerate(categories)}
    services = sorted((r.spec for r in results[2:]),
                      key=lambda s: (order.get(s.category, len(order)), s.title.en.casefold(), s.id))
    return Registry(
        schema_dir=Path(schema_dir),
        registration=results[1].spec,
        categories=categories,
        services={s.id: s for s in services},
        warnings=[w for r in results for w in r.warnings],
    )


_LOADED: dict[tuple, Registry] = {}  # the last registries loaded, by the state of their files


def _files_state(schema_dir: Path) -> tuple:
    """Path, size and modification time of every file a registry is read from."""
    paths = [schema_dir / "categories.yaml", schema_dir / "registration.yaml",
             *sorted((schema_dir / "services").glob("*.yaml"))]
    state = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            state.append((str(path), None))
        else:
            state.append((str(path), stat.st_size, stat.st_mtime_ns))
    return (str(schema_dir.resolve()), languages.host_languages(), *state)


def load_registry(schema_dir: Path) -> Registry:
    """Load every schema file under ``schema_dir``; raise SchemaErrors listing all errors of all files.

    Files unchanged since the last load are not read again (apps built one after another, as the tests do);
    each caller gets its own dictionaries of services and categories (the specs themselves are immutable).
    """
    schema_dir = Path(schema_dir)
    state = _files_state(schema_dir)
    registry = _LOADED.get(state)
    if registry is None:
        registry = build_registry(schema_dir, load_files(schema_dir))
        if len(_LOADED) >= 8:
            _LOADED.clear()
        _LOADED[state] = registry
    return dataclasses.replace(registry, categories=dict(registry.categories), services=dict(registry.services),
                               warnings=list(registry.warnings))


def init_app(app: Flask) -> None:
    """Load the schemas once at start-up (refusing to start on errors), compile every step form, and add
    `flask schemas check`."""
    languages.configure(app.config.get("HOST_LANGUAGES") or ())
    try:
        registry = load_registry(Path(app.config["SCHEMA_DIR"]))
    except SchemaErrors as exc:
        message = f"the schema files have {len(exc.errors)} error(s):\n{exc}"
        if click.get_current_context(silent=True) is None:
            raise RuntimeError(message) from exc
        if _running_schemas_check():  # it reports every error itself (or needs none), on an app without services
            app.extensions[EXTENSION] = Registry(Path(app.config["SCHEMA_DIR"]), None, {}, {})  # type: ignore[arg-type]
            app.cli.add_command(schemas_cli)
            return
        raise SystemExit(f"Mikhak cannot start: {message}") from None  # the command line: errors, no traceback
    for warning in registry.warnings:
        app.logger.warning("%s", warning)
    compile_forms([registry.registration, *registry.services.values()])
    app.extensions[EXTENSION] = registry
    app.cli.add_command(schemas_cli)


def _running_schemas_check() -> bool:
    """Whether the command line being run is `flask … schemas check` (or `schemas json-schema`)."""
    words = [word for word in sys.argv[1:] if not word.startswith("-")]
    return any(words[i:i + 2] in (["schemas", "check"], ["schemas", "json-schema"]) for i in range(len(words)))


def current_registry() -> Registry:
    """The registry of the current Flask app."""
    return current_app.extensions[EXTENSION]


def summary(result: FileResult) -> str:
    """One line telling what a file holds, or that it has errors."""
    if result.errors:
        return f"{result.name}: {_count(len(result.errors), 'error')}"
    spec = result.spec
    if result.kind == "categories":
        return f"{result.name}: ok ({len(spec)} {'category' if len(spec) == 1 else 'categories'})"
    if result.kind == "holidays":
        return f"{result.name}: ok ({_count(len(spec), 'closed day')})"
    fields = sum(1 for _s, f in spec.iter_fields() for x in [f, *f.input_fields] if x.stores)
    what = "registration" if result.kind == "registration" else f"service {spec.id}"
    if result.kind == "service" and not spec.enabled:
        what += ", disabled"
    return (f"{result.name}: ok ({what}, {_count(len(spec.steps), 'step')}, {_count(fields, 'field')}, "
            f"version {spec.version_key})")


def _count(number: int, noun: str) -> str:
    """'1 step', '3 steps'."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _targets(paths: Iterable[Path], default_dir: Path) -> dict[Path, set[Path] | None]:
    """Schema directories to load, each with the files asked for (None: all of them)."""
    targets: dict[Path, set[Path] | None] = {}
    for raw in paths:
        path = Path(raw).resolve()
        if path.is_dir():
            directory = path.parent if path.name == "services" else path
            targets[directory] = None
            continue
        directory = path.parent.parent if path.parent.name == "services" else path.parent
        if directory not in targets or targets[directory] is not None:
            targets.setdefault(directory, set()).add(path)  # type: ignore[union-attr]
    return targets or {Path(default_dir).resolve(): None}


def check_holidays(directory: Path) -> list[FileResult]:
    """The closed days file of ``directory`` checked (office codes are checked on import), if there is one."""
    path = directory / "holidays.yaml"
    if not (path.exists() or path.is_symlink()):
        return []
    from appointments.holidays import parse_holidays  # the appointments package owns the file's shape

    result = FileResult(path, _display(path, directory), "holidays")
    try:
        result.spec = parse_holidays(read_document(path, result.name))
    except SchemaErrors as exc:
        result.errors.extend(exc.errors)
    except ImportError as exc:  # `python -m forms check` outside the project
        result.warnings.append(SchemaError(result.name, 1, 1, f"not checked: {exc}", warning=True))
        result.spec = []
    return [result]


def run_check(paths: Iterable[Path], default_dir: Path) -> int:
    """Check schema files, print one line per file and every problem; return the exit status."""
    status = 0
    for directory, wanted in _targets(paths, default_dir).items():
        results = [*load_files(directory), *check_holidays(directory)]
        if wanted is not None:
            missing = wanted - {r.path.resolve() for r in results}
            for path in sorted(missing):
                click.echo(f"{path}: not a schema file of {directory} (categories.yaml, registration.yaml or "
                           "services/*.yaml)")
                status = 1
        for result in results:
            asked = wanted is None or result.path.resolve() in wanted
            if not asked and not result.errors:
                continue
            click.echo(summary(result))
            for problem in sorted([*result.errors, *result.warnings]):
                click.echo(str(problem))
            status = 1 if result.errors else status
    return status


schemas_cli = AppGroup("schemas", help="Schema files: check them, export their JSON Schema for editors.")


@schemas_cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check_command(paths: tuple[Path, ...]) -> None:
    """Check schema files (default: the whole SCHEMA_DIR) and report every error as file:line:col."""
    click.get_current_context().exit(run_check(paths, Path(current_app.config["SCHEMA_DIR"])))


def write_json_schema(kind: str, output: Path | None) -> None:
    """Print the JSON Schema of ``kind`` files, or write it to ``output`` (folders made as needed)."""
    from forms.editor_schema import dumps

    text = dumps(kind)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote the JSON Schema of {kind} files to {output}")


KIND_OPTION = click.option("--kind", type=click.Choice(["service", "registration", "categories"]),
                           default="service", show_default=True, help="Which files the schema describes.")
OUTPUT_OPTION = click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None,
                             help="Write to this file instead of printing.")


@schemas_cli.command("json-schema")
@KIND_OPTION
@OUTPUT_OPTION
def json_schema_command(kind: str, output: Path | None) -> None:
    """Write the JSON Schema of the schema language (for VS Code YAML, JetBrains; see docs/schemas.md)."""
    write_json_schema(kind, output)
