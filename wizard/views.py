"""Routes of a wizard: steps in server-enforced order, back and next, review with change links, confirm."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import CombinedMultiDict

from forms.wtf import UploadField
from i18n import current_language
from wizard.engine import WizardState


class WizardFlow:
    """One wizard exposed on a blueprint; subclasses say where its spec and draft come from and what confirm does."""

    endpoint: str = ""  # prefix of the endpoint names; empty gives "start", "step", "review"
    template_step = "wizard/step.html"
    template_review = "wizard/review.html"

    def state(self, **params) -> WizardState:
        """Return the wizard state for the signed-in applicant (creating or upgrading the draft)."""
        raise NotImplementedError

    def confirm(self, state: WizardState, **params):
        """Act on the confirmed answers (in one transaction) and return the response."""
        raise NotImplementedError

    def heading(self, state: WizardState, **params) -> str:
        """Return the wizard's title for page headings."""
        return state.spec.title.get(current_language())

    def confirm_label(self, state: WizardState) -> str:
        """Return the text of the confirm button."""
        return _("Confirm and submit")

    def review_extra(self, state: WizardState, **params) -> dict:
        """More for the review page (a service's computed fee, say)."""
        return {}

    def store_file(self, state: WizardState):
        """Return the callable storing an upload (field id, file) → document id, or None when uploads are unused."""
        return None

    def remove_file(self, state: WizardState, document_id: int) -> None:
        """Remove an uploaded document from the draft (flows with uploads override it)."""
        abort(404)

    def documents(self, state: WizardState) -> dict:
        """Return the draft's uploaded documents by id, for showing them on their step."""
        return {}

    # Routes -------------------------------------------------------------------------------------
    def register(self, bp, rule: str, decorators: tuple = ()) -> None:
        """Add the start, step and review routes under ``rule`` to the blueprint, wrapped in ``decorators``."""
        def wrap(view):
            for decorator in reversed(decorators):
                view = decorator(view)
            return view

        bp.add_url_rule(f"{rule}/", self._name("start"), wrap(self.start_view), methods=["GET"])
        bp.add_url_rule(f"{rule}/step/<step_id>", self._name("step"), wrap(self.step_view), methods=["GET", "POST"])
        bp.add_url_rule(f"{rule}/review", self._name("review"), wrap(self.review_view), methods=["GET", "POST"])

    def _name(self, view: str) -> str:
        """Return the endpoint name of one of this flow's views ("start", or "<endpoint>_start")."""
        return f"{self.endpoint}_{view}" if self.endpoint else view

    def url(self, view: str, **params) -> str:
        """Build the URL of one of this flow's routes."""
        return url_for(f"{request.blueprint}.{self._name(view)}", **params)

    def start_view(self, **params):
        """Send the applicant to the first unfinished step, or to the review."""
        state = self.state(**params)
        step = state.first_open_step()
        if step is None:
            return redirect(self.url("review", **params))
        return redirect(self.url("step", step_id=step.id, **params))

    def step_view(self, step_id: str, **params):
        """Show or save one step."""
        state = self.state(**params)
        step = state.step(step_id)
        if step is None:
            abort(404)
        if not state.can_open(step_id):
            flash(_("Please complete the steps in order."), "warning")
            return self.start_view(**params)
        returning = request.args.get("return") == "review"
        if request.method == "GET":
            return self.render_step(state, step, state.form(step), returning, **params)
        form = state.form(step, formdata=_merged_formdata())
        action = request.form.get("action", "next")
        if action.startswith("delete-file:"):
            self.remove_file(state, _int_or_404(action.partition(":")[2]))
            return redirect(self.url("step", step_id=step.id, **({"return": "review"} if returning else {}), **params))
        if action.startswith(("add:", "remove:")):
            _change_group(form, action)
            state.save(step, form, complete=False)
            return self.render_step(state, step, form, returning, **params)
        if action == "back":
            valid = form.validate()
            state.save(step, form, complete=valid and not _has_uploads(form))
            previous = state.neighbour(step_id, -1)
            target = self.url("step", step_id=previous.id, **params) if previous else self.url("start", **params)
            return redirect(target)
        valid = form.validate()
        stored = state.store_uploads(step, form, self.store_file(state))  # also when other fields failed
        if not (valid and stored):
            if valid:  # only storage refused a file: keep the step's other answers
                state.save(step, form, complete=False)
            return self.render_step(state, step, form, returning, **params)
        state.save(step, form, complete=True)
        following = state.neighbour(step_id, 1)
        if returning or following is None:
            return redirect(self.url("start", **params))
        return redirect(self.url("step", step_id=following.id, **params))

    def render_step(self, state: WizardState, step, form, returning: bool, **params):
        """Render a step page with its progress, errors and navigation."""
        number, total = state.position(step.id)
        previous = state.neighbour(step.id, -1)
        return render_template(
            self.template_step, form=form, step=step, number=number, total=total, heading=self.heading(state, **params),
            has_previous=previous is not None, returning=returning,
            needs_review=step.id in (state.draft.review_steps or []),
            action_url=self.url("step", step_id=step.id, **({"return": "review"} if returning else {}), **params),
            documents=self.documents(state) if any(f.type == "file" for f in step.fields) else {},
        )

    def review_view(self, **params):
        """Show every answer with change links; on POST, confirm once (safe against double submission)."""
        state = self.state(**params)
        if not state.is_complete():
            return self.start_view(**params)
        refused = state.failing_rules()
        if request.method == "POST" and not refused:
            failing = state.invalid_steps()
            if failing:
                flash(_("Some answers need your attention before you can confirm."), "error")
                return redirect(self.url("step", step_id=failing[0].id, **params))
            return self.confirm(state, **params)
        sections = state.review(current_language())
        return render_template(
            self.template_review, sections=sections, heading=self.heading(state, **params), refused=refused,
            change_url=lambda step_id: self.url("step", step_id=step_id, **{"return": "review"}, **params),
            confirm_url=self.url("review", **params), confirm_label=self.confirm_label(state),
            **self.review_extra(state, **params),
        )


def _merged_formdata() -> CombinedMultiDict:
    """Combine posted fields and files into one multidict for WTForms."""
    return CombinedMultiDict([request.files, request.form])


def _has_uploads(form) -> bool:
    """Return whether the form carries newly uploaded files (not stored on a "back" click)."""
    return any(isinstance(bound, UploadField) and bound.uploads() for bound in form)


def _int_or_404(text: str) -> int:
    """Parse an id from a posted action, answering 404 for anything else."""
    if not (text.isascii() and text.isdigit()):
        abort(404)
    return int(text)


def _change_group(form, action: str) -> None:
    """Add an item to, or remove one from, a repeatable group without validating the step."""
    verb, name, *rest = action.split(":")
    group = form._fields.get(name)
    if group is None or not hasattr(group, "append_entry"):
        abort(400)
    if verb == "add" and len(group.entries) < (group.max_entries or 99):
        group.append_entry()
    elif verb == "remove" and rest and rest[0].isascii() and rest[0].isdigit() and int(rest[0]) < len(group.entries):
        group.entries.pop(int(rest[0]))
