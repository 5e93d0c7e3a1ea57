"""Step order, forms and answers of one wizard over one draft."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.models import Draft, utcnow
from forms import conditions, converter
from forms.wtf import UploadField
from storage.intake import UploadRejected as StorageRejected

# The one refusal of an upload (storage/intake.py); the name stays here for the modules importing it.
UploadRejected = StorageRejected


@dataclass
class WizardState:
    """A wizard (registration or a service) applied to one draft and the applicant's profile."""

    spec: object
    draft: Draft
    profile: dict = field(default_factory=dict)

    @property
    def answers(self) -> dict:
        """The draft's stored answers."""
        return self.draft.answers or {}

    def visible_steps(self) -> list:
        """Steps shown for the current answers (show_if applied), worked out once per answers object.

        Every change of the answers assigns a new dict to ``draft.answers`` (save, uploads, upgrades), so
        the walk over the wizard's conditions is redone exactly when the answers it read have changed.
        """
        answers = self.answers
        cached = self.__dict__.get("_visible")
        if cached is None or cached[0] is not answers:
            cached = self.__dict__["_visible"] = (answers, conditions.visible_steps(self.spec, answers, self.profile))
        return cached[1]

    def step(self, step_id: str):
        """Return the visible step ``step_id`` or None."""
        return next((s for s in self.visible_steps() if s.id == step_id), None)

    def is_done(self, step_id: str) -> bool:
        """Return whether a step was completed and needs no review."""
        return step_id in (self.draft.completed_steps or []) and step_id not in (self.draft.review_steps or [])

    def first_open_step(self):
        """Return the first visible step not yet completed, or None when all are."""
        return next((s for s in self.visible_steps() if not self.is_done(s.id)), None)

    def can_open(self, step_id: str) -> bool:
        """Return whether every visible step before ``step_id`` is complete (server-enforced order)."""
        for step in self.visible_steps():
            if step.id == step_id:
                return True
            if not self.is_done(step.id):
                return False
        return False

    def position(self, step_id: str) -> tuple[int, int]:
        """Return (number of the step, number of visible steps)."""
        ids = [s.id for s in self.visible_steps()]
        return ids.index(step_id) + 1, len(ids)

    def neighbour(self, step_id: str, offset: int):
        """Return the visible step ``offset`` places from ``step_id``, or None."""
        steps = self.visible_steps()
        index = [s.id for s in steps].index(step_id) + offset
        return steps[index] if 0 <= index < len(steps) else None

    def form(self, step, formdata=None, *, csrf: bool = True):
        """Build the step's form from posted data over stored answers, defaults and profile prefill."""
        form_class = converter.step_form_class(self.spec, step.id)
        data = converter.answers_to_form_data(step, self.answers, profile=self.profile)
        meta = {} if csrf else {"csrf": False}
        return form_class(formdata=formdata, data=data, answers=self.answers, profile=self.profile, meta=meta)

    def save(self, step, form, *, complete: bool) -> None:
        """Store the step's answers (and mark it complete); hidden fields and files not stored first are dropped."""
        for bound in form:
            if isinstance(bound, UploadField):
                bound.data = []
        answers = {key: value for key, value in self.answers.items()
                   if key not in {f.id for f in step.fields}}
        answers.update(converter.form_to_answers(form, step))
        self.draft.answers = answers
        done = [s for s in (self.draft.completed_steps or []) if s != step.id]
        self.draft.completed_steps = [*done, step.id] if complete else done
        if complete:
            self.draft.review_steps = [s for s in (self.draft.review_steps or []) if s != step.id]
        self.draft.updated_at = utcnow()
        self.draft.save()

    def store_uploads(self, step, form, store_file: converter.StoreFile | None) -> bool:
        """Store new files of shown fields that passed their checks, even if others failed; False if one is refused."""
        # A field whose files went to store_file answers exactly the ids it returned (the files it replaced are
        # gone); a refusal is added to the field's errors. The step stays not completed until saved complete.
        if store_file is None:
            return True
        hidden = form.hidden_fields()
        answers, accepted, stored = dict(self.answers), True, False
        for bound in form:
            if not isinstance(bound, UploadField) or bound.name in hidden or bound.errors or not bound.uploads():
                continue
            ids, problem = _store_all(bound, store_file)
            if problem is not None:
                bound.errors = [*bound.errors, problem.message]
                accepted = False
            bound.data = bound.object_data = ids
            if ids:
                answers[bound.name] = ids
            else:
                answers.pop(bound.name, None)
            stored = True
        if stored:
            self.draft.answers = answers
            self.draft.completed_steps = [s for s in (self.draft.completed_steps or []) if s != step.id]
            self.draft.updated_at = utcnow()
            self.draft.save()
        return accepted

    def is_complete(self) -> bool:
        """Return whether every visible step is complete."""
        return self.first_open_step() is None

    def effective_answers(self) -> dict:
        """Answers of visible steps' shown fields only, as they will be submitted."""
        return conditions.visible_answers(self.spec, self.answers, self.profile)

    def invalid_steps(self) -> list:
        """Re-validate every visible step from the stored answers; return the steps that fail."""
        return [step for step in self.visible_steps() if not self.form(step, csrf=False).validate()]

    def review(self, locale: str) -> list[dict]:
        """Return the answers to show on the review page, step by step, with each step's id for change links."""
        return review_sections(self.spec, self.answers, locale, self.profile)


def _store_all(bound: UploadField, store_file: converter.StoreFile) -> tuple[list[str], UploadRejected | None]:
    """Store a field's uploads in order; return the ids stored and the refusal that stopped it, if any."""
    ids = []
    for upload in bound.uploads():
        try:
            ids.append(store_file(bound.name, upload))
        except UploadRejected as rejected:
            return ids, rejected
    return ids, None


def review_sections(spec, answers: dict, locale: str, profile: dict | None = None, include_staff: bool = False):
    """Group displayed answers by step: [{"step_id", "title", "rows": [{"label", "value"}]}]."""
    titles = {step.title.get(locale): step.id for step in spec.steps}
    return [{"step_id": titles.get(title, ""), "title": title,
             "rows": [{"label": label, "value": value} for label, value in rows]}
            for title, rows in converter.display_answers(spec, answers, locale, profile=profile,
                                                         include_staff=include_staff)]
