"""The application factory: `flask --app app run` and `gunicorn 'app:create_app()'` both use it."""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

import admin
import appointments
import auth
import cli
import documents
import forms.registry
import i18n
import mailer
import payments
import storage
from core import config, db
from web import errors, form_helpers, security, templating
from workflow import cli as workflow_cli

csrf = CSRFProtect()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the Mikhak app: config, database, extensions, schemas, blueprints and back office."""
    app = Flask(__name__, instance_path=os.environ.get("MIKHAK_INSTANCE") or None,
                instance_relative_config=True)
    app.config.from_mapping(config.from_environment(config.defaults(app.instance_path)))
    if test_config:
        app.config.from_mapping(test_config)
    config.check_production(app.config)
    config.finalize(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    logging.basicConfig(level=logging.INFO)
    proxies = int(app.config.get("PROXY_FIX") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    db.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    form_helpers.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
    storage.init_app(app)
    forms.registry.init_app(app)
    mailer.init_app(app)
    auth.init_app(app)
    appointments.init_app(app)
    documents.init_app(app)
    payments.init_app(app)
    workflow_cli.init_app(app)
    _register_blueprints(app)
    admin.init_app(app)
    documents.init_admin(app)
    return app


def _register_blueprints(app: Flask) -> None:
    """Attach the feature blueprints."""
    from applicant import home, my_requests, registration, requests, services, tracking
    from web.help import bp as help_bp
    from web.main import bp as main_bp

    for blueprint in (main_bp, help_bp, services.bp, registration.bp, home.bp, requests.bp, my_requests.bp,
                      tracking.bp):
        app.register_blueprint(blueprint)
