"""The schema language: YAML schemas → typed specs → checked registry → WTForms classes."""
