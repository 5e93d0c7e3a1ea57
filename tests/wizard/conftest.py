"""Wizard fixtures: a request context (for uploads), an applicant, and services written as inline YAML."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from core.models import Applicant
from forms.spec import Service


def service(text: str) -> Service:
    """A service spec from inline YAML (loaded as the app would, without the cross-file checks)."""
    return Service.model_validate(yaml.safe_load(textwrap.dedent(text)))


@pytest.fixture()
def ctx(app):
    """A request context of the test app."""
    with app.test_request_context("/"):
        yield app


@pytest.fixture()
def applicant(ctx) -> Applicant:
    """A registered applicant."""
    return Applicant.create(national_code="0499370899", email="sara@example.org")
