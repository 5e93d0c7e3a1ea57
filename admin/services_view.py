"""Services (admins): every loaded schema with its version and state, the files as they are on disk now
(errors and warnings, changes waiting for a restart), and a preview of each applicant wizard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import abort, current_app, request
from flask_admin import expose

from admin.base import ADMIN_ONLY, StaffView, record, service_endpoint
from forms.converter import answers_to_form_data, step_form_class
from forms.registry import current_registry, load_files


def _disk_state() -> dict[str, Any]:
    """Load the schema files again (nothing is changed) to show errors and versions on disk."""
    results = load_files(Path(current_app.config["SCHEMA_DIR"]))
    return {
        "files": results,
        "by_service": {r.spec.id: r for r in results if r.kind == "service" and r.spec is not None},
        "errors": sum(len(r.errors) for r in results),
        "warnings": sum(len(r.warnings) for r in results),
    }


class ServicesView(StaffView):
    """The schemas behind the applicant wizards and the staff lists."""

    roles = ADMIN_ONLY

    @expose("/")
    def index(self):
        registry = current_registry()
        disk = _disk_state()
        rows = []
        for spec in registry.services.values():
            on_disk = disk["by_service"].get(spec.id)
            rows.append({
                "spec": spec, "category": registry.categories.get(spec.category),
                "file": on_disk, "changed": on_disk is not None and on_disk.spec.version_key != spec.version_key,
                "statuses": len(spec.workflow.all_statuses),
                "endpoint": service_endpoint(spec.id),
            })
        loaded = set(registry.services)
        new_files = [r for r in disk["files"] if r.kind == "service" and (r.spec is None or r.spec.id not in loaded)]
        return self.render("admin/services.html", rows=rows, registry=registry, disk=disk, new_files=new_files)

    @expose("/workflow/<service_id>/")
    def workflow(self, service_id: str):
        """The service's workflow drawn as a diagram, with its moves as a table and as Mermaid text."""
        from markupsafe import Markup

        from i18n import current_language
        from workflow import graph

        spec = current_registry().services.get(service_id)
        if spec is None:
            abort(404)
        language = current_language()
        statuses = {s.id: s for s in spec.workflow.all_statuses}
        return self.render("admin/workflow.html", spec=spec, statuses=statuses, edges=graph.edges(spec, language),
                           svg=Markup(graph.svg(spec, language)),  # noqa: S704  # nosec B704 (Graphviz escapes labels)
                           mermaid=graph.mermaid(spec, language))

    @expose("/preview/<kind>/<schema_id>/")
    def preview(self, kind: str, schema_id: str):
        """The wizard one step at a time, as an applicant sees it; nothing can be submitted."""
        registry = current_registry()
        if kind == "registration":
            spec = registry.registration
        elif kind == "service":
            spec = registry.services.get(schema_id)
        else:
            spec = None
        if spec is None:
            abort(404)
        steps = list(spec.steps)
        step_id = request.args.get("step") or steps[0].id
        index = next((i for i, s in enumerate(steps) if s.id == step_id), None)
        if index is None:
            abort(404)
        step = steps[index]
        form = step_form_class(spec, step.id)(formdata=None, data=answers_to_form_data(step, {}), meta={"csrf": False})
        record("service.preview", object_type=kind, object_id=spec.id, step=step.id)
        return self.render("admin/preview.html", spec=spec, kind=kind, step=step, form=form, number=index + 1,
                           total=len(steps), steps=steps,
                           previous=steps[index - 1].id if index else None,
                           next=steps[index + 1].id if index + 1 < len(steps) else None)
