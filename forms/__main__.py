"""`python -m forms check [PATH …]`: check schema files without the app."""

from __future__ import annotations

from pathlib import Path

import click

from forms.registry import KIND_OPTION, OUTPUT_OPTION, run_check, write_json_schema


@click.group()
def main() -> None:
    """Mikhak schema tools."""


@main.command("check")
@click.option("--dir", "schema_dir", type=click.Path(path_type=Path), default=Path("schemas"),
              show_default=True, help="Schema directory checked when no PATH is given.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check(schema_dir: Path, paths: tuple[Path, ...]) -> None:
    """Check schema files (default: the whole schema directory) and report every error as file:line:col."""
    click.get_current_context().exit(run_check(paths, schema_dir))


@main.command("json-schema")
@KIND_OPTION
@OUTPUT_OPTION
def json_schema(kind: str, output: Path | None) -> None:
    """Write the JSON Schema of the schema language (for editors; see docs/schemas.md)."""
    write_json_schema(kind, output)


if __name__ == "__main__":
    main()
