"""The stable CLI: users create, users token, demo seed."""

import sqlalchemy as sa

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db
from crisis_app.core.models import User
from crisis_app.core.roles import Role
from crisis_app.directory.organisations.models import Organisation


def test_users_create_and_token(app, db_session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "ARS@example.org", "--role", "ars_observer",
                                 "--password", "0123456789abc"])
    assert result.exit_code == 0, result.output
    user = auth_services.get_user_by_email("ars@example.org")
    assert user.role is Role.ARS_OBSERVER
    token = runner.invoke(args=["users", "token", "--email", "ars@example.org"]).output.strip()
    assert auth_services.user_for_token(token).id == user.id


def test_users_create_refuses_a_short_password_in_french(app, db_session):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "a@example.org", "--role", "coordinator", "--password", "court"])
    assert result.exit_code != 0 and "au moins 10 caractères" in result.output
    assert auth_services.get_user_by_email("a@example.org") is None


def test_demo_seed_creates_every_role_once(app, db_session):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert runner.invoke(args=["demo", "seed", "--if-empty"]).output.startswith("Données déjà présentes")
    roles = db.session.scalars(sa.select(User.role).where(User.email.like("%@demo.example.org"))).all()
    assert sorted(roles) == sorted([*Role, Role.ARS_OBSERVER, Role.ARS_OBSERVER])  # the CPAM's and the MSA's too
    credentials = runner.invoke(args=["demo", "credentials"]).output
    assert "coordination@demo.example.org" in credentials and "observateur.msa@demo.example.org" in credentials
    # each observer speaks for their own tutelle: the comments and the messages sent to it say so
    for email, kind in (("observateur.ars@demo.example.org", "ars"), ("observateur.cpam@demo.example.org", "cpam"),
                        ("observateur.msa@demo.example.org", "msa")):
        user = db.session.scalar(sa.select(User).where(User.email == email))
        assert db.session.get(Organisation, user.organisation_id).kind.value == kind
