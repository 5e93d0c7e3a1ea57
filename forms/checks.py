"""Cross-reference checks of a validated spec; every problem is collected, none stops the others."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from flask_wtf import FlaskForm

from fees.checks import check_fees
from forms.errors import SchemaError
from forms.loader import Document, Path_
from forms.spec import (
    COMPARISONS,
    FILTERABLE_TYPES,
    SEARCHABLE_TYPES,
    Condition,
    FieldSpec,
    GroupField,
    Registration,
    Service,
    Wizard,
)
from forms.specbase import other_field
from forms.types import field_type, names

RESERVED_IDS = frozenset({name for name in dir(FlaskForm) if not name.startswith("_")} |
                         {"answers", "profile", "csrf_token", "meta"})
REGISTRATION_FIELDS = {"first_name": "text", "last_name": "text", "birth_date": "date",
                       "residence_country": "country", "email": "email", "phone": "phone"}
TEXT_LIKE = SEARCHABLE_TYPES


@dataclass
class Scope:
    """Fields a reference may name: earlier top-level fields and, in a group, earlier siblings."""

    earlier: dict[str, FieldSpec]
    siblings: dict[str, FieldSpec] | None = None
    applicant: bool = True

    def find(self, ref: str) -> FieldSpec | None:
        """The field ``ref`` names, siblings first."""
        if self.siblings is not None and ref in self.siblings:
            return self.siblings[ref]
        return self.earlier.get(ref)


@dataclass
class Checker:
    """Collects the cross-reference errors of one wizard file."""

    doc: Document
    spec: Wizard
    registration: Registration | None = None
    categories: list[str] | None = None
    errors: list[SchemaError] = field(default_factory=list)
    all_ids: set[str] = field(default_factory=set)

    def add(self, path: Path_, message: str, key: bool = False, warning: bool = False) -> None:
        """Record one problem."""
        self.errors.append(self.doc.error(path, message, key=key, warning=warning))

    def line_of(self, path: Path_) -> int:
        """Line of the value at ``path``."""
        return self.doc.where(path)[0]

    @property
    def is_service(self) -> bool:
        """Whether the file is a service (not the registration)."""
        return isinstance(self.spec, Service)

    def run(self) -> list[SchemaError]:
        """Run every check and return the problems found."""
        self.all_ids = {f.id for _s, f in self.spec.iter_fields()}
        self.check_steps()
        if isinstance(self.spec, Service):
            self.check_service(self.spec)
        else:
            self.check_registration()
        return self.errors

    def check_steps(self) -> None:
        """Check ids, conditions and references of every step and field, in order."""
        step_ids: dict[str, Path_] = {}
        field_ids: dict[str, Path_] = {}
        earlier: dict[str, FieldSpec] = {}
        for i, step in enumerate(self.spec.steps):
            path: Path_ = ("steps", i)
            self.unique(step_ids, step.id, (*path, "id"), "step id")
            if step.show_if is not None:
                self.condition(step.show_if, (*path, "show_if"), Scope(dict(earlier)), f"step {step.id!r}")
            if all(f.staff_only for f in step.fields):
                self.add((*path, "id"), f"step {step.id!r} has no field the applicant sees", warning=True)
            step_scope = dict(earlier)
            for j, spec in enumerate(step.fields):
                fpath: Path_ = (*path, "fields", j)
                if spec.id in field_ids:
                    self.add((*fpath, "id"), f"duplicate field id {spec.id!r} (first used on line "
                                             f"{self.line_of((*field_ids[spec.id], 'id'))})")
                else:
                    field_ids[spec.id] = fpath
                self.check_field(spec, fpath, Scope(dict(step_scope), applicant=not spec.staff_only))
                step_scope[spec.id] = spec
            self.rules(step.eligibility, path, Scope(dict(step_scope)), f"step {step.id!r}")
            earlier.update(step_scope)

    def rules(self, rules: list | None, path: Path_, scope: Scope, owner: str) -> None:
        """Check the conditions of eligibility rules (of a step, or of the service at the empty path)."""
        for k, rule in enumerate(rules or []):
            self.condition(rule.require, (*path, "eligibility", k, "require"), scope, owner,
                           f"eligibility rule {k + 1} of {owner}")

    def unique(self, seen: dict[str, Path_], value: str, path: Path_, what: str) -> None:
        """Report ``value`` when it was seen before (at the path remembered in ``seen``)."""
        if value in seen:
            self.add(path, f"duplicate {what} {value!r} (first used on line {self.line_of(seen[value])})")
        else:
            seen[value] = path

    def check_field(self, spec: FieldSpec, path: Path_, scope: Scope, group: GroupField | None = None) -> None:
        """Check one field's id, condition, options, prefill and links."""
        if spec.id in RESERVED_IDS or spec.id.startswith("validate_"):
            self.add((*path, "id"), f"field id {spec.id!r} is reserved by the form engine; choose another id")
        if spec.show_if is not None:
            self.condition(spec.show_if, (*path, "show_if"), scope, f"field {spec.id!r}")
        prefill = getattr(spec, "prefill", None)
        if prefill is not None:
            self.check_prefill(spec, prefill, (*path, "prefill"), group)
        field_type(spec.type).cross_check(spec, self, path, scope)  # the type's own rules (options, links, items)

    def check_group(self, group: GroupField, path: Path_, scope: Scope) -> None:
        """Check the inner fields of a group: unique ids, references to earlier siblings."""
        if not any(inner.stores for inner in group.fields):
            self.add((*path, "fields"), f"group {group.id!r} has no field to fill in (only notices)")
        siblings: dict[str, FieldSpec] = {}
        lines: dict[str, Path_] = {}
        for k, inner in enumerate(group.fields):
            ipath: Path_ = (*path, "fields", k)
            self.unique(lines, inner.id, (*ipath, "id"), "field id in this group")
            if inner.staff_only:
                self.add((*ipath, "staff_only"), "staff_only is not available inside a group")
            inner_scope = Scope(scope.earlier, dict(siblings), applicant=scope.applicant)
            self.check_field(inner, ipath, inner_scope, group)
            siblings.setdefault(inner.id, inner)

    def missing_message(self, what: str, ref: str, scope: Scope) -> str:
        """Message for a reference to a field that is not available."""
        known = set(self.all_ids) | set(scope.siblings or {})
        if ref in known:
            return f"{what} refers to {ref!r}, which comes later; it may only use earlier fields"
        close = difflib.get_close_matches(ref, sorted(known), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"{what} refers to unknown field {ref!r}{hint}"

    def check_prefill(self, spec: FieldSpec, ref: str, path: Path_, group: GroupField | None) -> None:
        """Check that prefill names a registration field of a compatible type."""
        if not self.is_service or self.registration is None:
            if not self.is_service:
                self.add(path, "prefill is only available in services")
            return
        if group is not None:
            self.add(path, "prefill is not available inside a group")
            return
        source = self.registration.fields_by_id.get(ref)
        if source is None:
            close = difflib.get_close_matches(ref, list(self.registration.fields_by_id), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            self.add(path, f"prefill refers to unknown registration field {ref!r}{hint}")
        elif not prefill_compatible(source.type, spec.type):
            self.add(path, f"cannot prefill a {spec.type} field from {ref!r}, a {source.type} field")

    def condition(self, cond: Condition, path: Path_, scope: Scope, owner: str, what: str | None = None) -> None:
        """Check one condition and its children (``what`` names it in messages: "show_if of <owner>")."""
        what = what or f"show_if of {owner}"
        for i, child in enumerate(cond.children()):
            sub = (*path, cond.subject) if cond.subject == "not" else (*path, cond.subject, i)
            self.condition(child, sub, scope, owner, what)
        ref = cond.ref
        if ref is None:
            return
        target = self.reference(ref, (*path, cond.subject), scope, what)
        if target is not None:
            self.operand(cond, target, ref, path)
        other = other_field(cond.operand)
        if other is not None:
            self.same_kind(target, ref, other, (*path, cond.operator or "", "field"), scope, what)
        if cond.at_field is not None:
            self.date_reference(cond.at_field, (*path, "at"), scope, what, "'at'")

    def reference(self, ref: str, path: Path_, scope: Scope, what: str) -> FieldSpec | None:
        """The field a condition names (reported when unknown, later or staff-only for applicants)."""
        if ref.startswith("profile."):
            return self.profile_field(ref, path)
        target = scope.find(ref)
        if target is None:
            self.add(path, self.missing_message(what, ref, scope))
        elif target.staff_only and scope.applicant:
            self.add(path, f"{what} uses the staff-only field {ref!r}, which applicants never fill in")
        return target

    def same_kind(self, target: FieldSpec | None, ref: str, other: str, path: Path_, scope: Scope, what: str) -> None:
        """Check that the other answer a comparison or a bound names exists and has the type of ``ref``."""
        found = self.reference(other, path, scope, what)
        if found is not None and target is not None and found.type != target.type:
            self.add(path, f"cannot compare {ref!r} (a {target.type} field) with {other!r} (a {found.type} field)")

    def date_reference(self, ref: str, path: Path_, scope: Scope, what: str, key: str) -> None:
        """Check that ``key`` names an available date field."""
        target = self.reference(ref, path, scope, what)
        if target is not None and not field_type(target.type).ages:
            self.add(path, f"{key} needs a date field, not {ref!r}, a {target.type} field")

    def profile_field(self, ref: str, path: Path_) -> FieldSpec | None:
        """The registration field a `profile.<id>` reference names."""
        if not self.is_service:
            self.add(path, "profile.<id> is only available in services")
            return None
        if self.registration is None:
            return None
        target = self.registration.fields_by_id.get(ref.removeprefix("profile."))
        if target is None:
            self.add(path, f"unknown profile field {ref!r}: registration.yaml has no such field")
        return target

    def operand(self, cond: Condition, target: FieldSpec, ref: str, path: Path_) -> None:
        """Check that the compared value fits the type of the field tested."""
        problem = operand_problem(cond, target)
        if problem:
            kind = field_type(target.type)
            about_field = not kind.testable or cond.subject == "age_of" or (
                cond.operator in COMPARISONS and not kind.ordered)
            key = cond.subject if about_field else cond.operator
            self.add((*path, key), f"condition on {ref!r}: {problem}")

    def check_service(self, spec: Service) -> None:
        """Service-only checks: category, documents, staff presentation, workflow."""
        if self.categories is not None and spec.category not in self.categories:
            close = difflib.get_close_matches(spec.category, self.categories, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else f" (categories.yaml has: {', '.join(self.categories)})"
            self.add(("category",), f"unknown category {spec.category!r}{hint}")
        seen: dict[str, Path_] = {}
        top = dict(spec.fields_by_id)
        self.rules(spec.eligibility, (), Scope(top), "the service")
        for i, document in enumerate(spec.documents):
            self.unique(seen, document.id, ("documents", i, "id"), "document id")
            if document.when is not None:
                self.condition(document.when, ("documents", i, "when"), Scope(top, applicant=False),
                               f"document {document.id!r}")
            if document.field is not None:
                target = top.get(document.field)
                if target is None:
                    self.add(("documents", i, "field"), f"document field {document.field!r} is not a field of "
                                                        "this service")
                elif target.type != "file":
                    self.add(("documents", i, "field"), f"document field {document.field!r} is a {target.type} "
                                                        "field, not a file field")
        self.check_staff(spec, top)
        custom = isinstance(self.doc.data, dict) and "workflow" in self.doc.data
        if custom:
            check_workflow(self, spec)
        check_fees(self, spec)
        if spec.issues:
            from documents.checks import check_issues

            check_issues(self, spec)
        from workflow import checks as workflow_checks

        workflow_checks.check(self, spec, custom)

    def check_staff(self, spec: Service, top: dict[str, FieldSpec]) -> None:
        """Check staff columns, filters and search refer to suitable top-level fields."""
        rules = (("columns", None, "column", "show {ref!r} as a column"),
                 ("filters", FILTERABLE_TYPES, "filter", "filter on {ref!r}"),
                 ("search", SEARCHABLE_TYPES, "search field", "search {ref!r}"))
        for key, allowed, noun, action in rules:
            for i, ref in enumerate(getattr(spec.staff, key)):
                path = ("staff", key, i)
                target = top.get(ref)
                if target is None:
                    self.add(path, f"staff {noun} {ref!r} is not a field of this service")
                elif not target.stores:
                    self.add(path, f"cannot {action.format(ref=ref)}: a notice stores nothing")
                elif allowed is not None and target.type not in allowed:
                    kinds = sorted(allowed)
                    self.add(path, f"cannot {action.format(ref=ref)} ({target.type}): a staff {noun} must be a "
                                   f"{', '.join(kinds[:-1])} or {kinds[-1]} field")

    def check_registration(self) -> None:
        """Check the registration has the fields the code relies on."""
        fields = self.spec.fields_by_id
        for field_id, wanted in REGISTRATION_FIELDS.items():
            found = fields.get(field_id)
            if found is None:
                self.add(("steps",), f"registration must have a {wanted} field {field_id!r}", key=True)
            elif found.type != wanted:
                self.add(("steps",), f"registration field {field_id!r} must be a {wanted} field, "
                                     f"not {found.type}", key=True)


def prefill_compatible(source: str, target: str) -> bool:
    """Whether an answer of type ``source`` can pre-fill a field of type ``target``."""
    return source == target or (target in ("text", "textarea") and source in TEXT_LIKE)


def operand_problem(cond: Condition, target: Any) -> str | None:
    """What is wrong with comparing ``target``'s answer to the condition's value, or None."""
    kind = field_type(target.type)
    if not kind.testable:
        return f"a {target.type} field cannot be tested in a condition"
    op, value = cond.operator, cond.operand
    if cond.subject == "age_of":
        return None if kind.ages else f"'age_of' needs a date field, not a {target.type} field"
    if other_field(value) is not None:
        ordered = " or ".join(sorted(names(lambda k: k.ordered), reverse=True))
        return None if kind.ordered else f"another answer can be compared only with a {ordered} field, not a " \
                                         f"{target.type} field"
    if op in COMPARISONS:
        if kind.ordered:
            return kind.comparison_problem(target, value)
        ordered = " or ".join(sorted(names(lambda k: k.ordered), reverse=True))
        return f"'{op}' needs a {ordered} field, not a {target.type} field"
    for item in value if op == "in" else [value]:
        problem = kind.operand_problem(target, item)
        if problem:
            return problem
    return None


def check_workflow(checker: Checker, spec: Service) -> None:
    """Check statuses, initial status and transitions; warn about dead ends and unreachable statuses."""
    workflow = spec.workflow
    seen: dict[str, Path_] = {}
    defined: dict[str, Any] = {}
    for i, status in enumerate(workflow.statuses):
        path = ("workflow", "statuses", i, "id")
        if status.id == "withdrawn":
            checker.add(path, "'withdrawn' is built in: every workflow ends with an implicit final 'withdrawn' "
                              "status; remove it")
            continue
        checker.unique(seen, status.id, path, "status id")
        defined.setdefault(status.id, status)
    if workflow.initial not in defined:
        checker.add(("workflow", "initial"), f"initial status {workflow.initial!r} is not defined")
    edges: dict[str, set[str]] = {}
    for i, transition in enumerate(workflow.transitions):
        base = ("workflow", "transitions", i)
        source = defined.get(transition.from_)
        if source is None:
            checker.add((*base, "from"), f"transition from undefined status {transition.from_!r}")
        elif source.final:
            checker.add((*base, "from"), f"no transition may leave the final status {transition.from_!r}")
        for j, target in enumerate(transition.to):
            if target == "withdrawn":
                checker.add((*base, "to", j), "'withdrawn' is entered only by the applicant withdrawing; mark "
                                              "statuses 'withdrawable' instead")
            elif target not in defined:
                checker.add((*base, "to", j), f"transition to undefined status {target!r}")
            edges.setdefault(transition.from_, set()).add(target)
    _warn_dead_ends(checker, workflow.initial, defined, edges)


def _warn_dead_ends(checker: Checker, initial: str, defined: dict[str, Any], edges: dict[str, set[str]]) -> None:
    """Warn about non-final statuses that cannot be reached or cannot be left."""
    reached, todo = {initial}, [initial]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in reached:
                reached.add(nxt)
                todo.append(nxt)
    for i, (status_id, status) in enumerate(defined.items()):
        if status.final:
            continue
        path = ("workflow", "statuses", _index_of(checker.spec, status_id, i), "id")
        if initial in defined and status_id not in reached:
            checker.add(path, f"status {status_id!r} cannot be reached from {initial!r}", warning=True)
        if not edges.get(status_id):
            checker.add(path, f"status {status_id!r} is not final and has no transition out", warning=True)


def _index_of(spec: Any, status_id: str, default: int) -> int:
    """Index of the first status ``status_id`` in the declared list."""
    return next((i for i, s in enumerate(spec.workflow.statuses) if s.id == status_id), default)


def check_document(spec: Wizard, doc: Document, registration: Registration | None = None,
                   categories: list[str] | None = None) -> list[SchemaError]:
    """All cross-reference problems (errors and warnings) of one validated wizard file."""
    return Checker(doc, spec, registration, categories).run()
