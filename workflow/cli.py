"""Commands: `flask --app app workflow tick` and `flask --app app schemas graph SERVICE`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from forms.registry import current_registry, schemas_cli
from workflow.graph import dot, mermaid
from workflow.timers import tick

workflow_cli = AppGroup("workflow", help="Workflow timers, reminders and escalations.")


@workflow_cli.command("tick")
def tick_command() -> None:
    """Move requests whose timer ran out, send due reminders and escalations; safe to run anywhere, often."""
    report = tick()
    click.echo(f"moved {report.moved}, reminded {report.reminded}, escalated {report.escalated}")


@click.command("graph")
@with_appcontext
@click.argument("service_id")
@click.option("--format", "output", type=click.Choice(["mermaid", "dot"]), default="mermaid", show_default=True)
@click.option("--lang", type=click.Choice(["fa", "en"]), default="en", show_default=True)
def graph_command(service_id: str, output: str, lang: str) -> None:
    """Print a service's workflow as a Mermaid state diagram or Graphviz DOT."""
    spec = current_registry().services.get(service_id)
    if spec is None:
        known = ", ".join(sorted(current_registry().services))
        raise click.ClickException(f"no service {service_id!r}; known: {known}")
    click.echo((dot if output == "dot" else mermaid)(spec, lang))


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(workflow_cli)
    if "graph" not in schemas_cli.commands:
        schemas_cli.add_command(graph_command)
