"""The faster html_params renders exactly what WTForms' own does."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from forms.html import WTFORMS_HTML_PARAMS, html_params

KEYS = st.sampled_from(["class_", "for_", "id", "name", "value", "data_show_if", "aria_describedby", "aria-invalid",
                        "data-field", "checked", "required", "x_y_", "<odd>", 'q"uote'])
VALUES = st.one_of(st.booleans(), st.integers(), st.text(max_size=20), st.text(max_size=20).map(Markup), st.none())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_same_output_as_wtforms(attributes):
    ours, theirs = html_params(**attributes), WTFORMS_HTML_PARAMS(**attributes)
    assert ours == theirs and isinstance(ours, Markup)


def test_a_generated_step_renders_the_same_with_either(app, monkeypatch):
    """A whole registration step with dates, radios and selects, rendered both ways, is the same page."""
    import wtforms.widgets
    from wtforms.widgets import core

    from forms.html import install
    from forms.registry import current_registry
    from wizard.engine import WizardState

    with app.test_request_context("/"):
        spec = current_registry().registration
        pages = []
        for params in (WTFORMS_HTML_PARAMS, html_params):
            monkeypatch.setattr(core, "html_params", params)
            monkeypatch.setattr(wtforms.widgets, "html_params", params)
            for widget in vars(core).values():
                if isinstance(widget, type) and "html_params" in vars(widget):
                    monkeypatch.setattr(widget, "html_params", staticmethod(params))
            state = WizardState(spec=spec, draft=type("D", (), {"answers": {}})())
            pages.append("".join(str(bound()) for step in spec.steps for bound in state.form(step, csrf=False)))
        install()
    assert pages[0] == pages[1] and "<select" in pages[0] and 'type="radio"' in pages[0]
