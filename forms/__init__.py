"""The schema language: YAML schemas → typed specs → checked registry → WTForms classes.

The contract is docs/design/schema-language.md. Entry points others use:

- registry: ``init_app(app)``, ``current_registry()``, ``load_registry(dir)``, ``Registry.service(id)``,
  ``.enabled_services()``, ``.catalog()``, ``snapshot(spec)``, ``spec_from_snapshot(kind, data)``;
  ``python -m forms check`` / ``flask schemas check``.
- converter: ``step_form_class(spec, step_id)``, ``staff_form_class(spec)``, ``form_to_answers(form, step,
  store_file)``, ``answers_to_form_data(step, answers, profile)``, ``display_answers(spec, answers, locale)``.
- conditions: ``evaluate``, ``visible_steps``, ``visible_answers``, ``active_fields``.
- fields: ``field_type(name)`` with ``to_json``, ``from_json`` and ``display``; validators: ``check_upload``.
"""
