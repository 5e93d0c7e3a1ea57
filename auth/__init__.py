"""Sign-in: applicant one-time passwords, server-side sessions (applicant and staff), Flask-Login.

Public API for other blueprints:
    from auth.decorators import applicant_required, activated_required, registration_url, applicant_home_url
    from flask_login import current_user   # ApplicantUser, StaffUser or AnonymousUser (auth.sessions)
    from auth import sessions               # sessions.start(kind, record), sessions.end(), revoke_all()
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from flask_login import LoginManager

from auth import otp, sessions, views
from auth.decorators import applicant_home_url
from core import ratelimit

login_manager = LoginManager()
auth_cli = AppGroup("auth", help="Sign-in housekeeping.")


@auth_cli.command("cleanup")
def cleanup_command() -> None:
    """Delete old rate-limit events, expired one-time passwords and dead sessions (run daily)."""
    click.echo(f"rate events: {ratelimit.cleanup()}, one-time passwords: {otp.cleanup()}, "
               f"sessions: {sessions.cleanup()} deleted")


def init_app(app: Flask) -> None:
    """Attach Flask-Login (server-side sessions, no remember-me cookie), the pages and the CLI."""
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    login_manager.anonymous_user = sessions.AnonymousUser
    login_manager.user_loader(sessions.load)
    login_manager.unauthorized_handler(views.unauthorized)
    app.register_blueprint(views.bp)
    app.jinja_env.globals["applicant_home_url"] = applicant_home_url
    app.cli.add_command(auth_cli)
