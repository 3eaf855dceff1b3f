"""Command line: ``flask --app wsgi users …`` and ``flask --app wsgi demo …``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import atomic
from crisis_app.core.errors import ServiceError
from crisis_app.core.roles import Role

users_cli = AppGroup("users", help="Comptes utilisateurs.")
demo_cli = AppGroup("demo", help="CPTS de démonstration (données fictives).")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--password", required=True)
@click.option("--name", "full_name", default="", help="Nom complet (par défaut : l'adresse e-mail).")
@atomic()
def create_user(email: str, role: str, password: str, full_name: str) -> None:
    """Create an account."""
    try:
        user = auth_services.create_user(actor=None, email=email, full_name=full_name or email,
                                         role=role, password=password)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Compte créé : {user.email} ({user.role.label})")


@users_cli.command("token")
@click.option("--email", required=True)
@atomic()
def create_token(email: str) -> None:
    """Print a new API bearer token for the account (only its hash is stored)."""
    user = auth_services.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"Aucun compte pour {email}.")
    click.echo(auth_services.issue_token(actor=None, user=user))


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Ne rien faire si des comptes existent déjà.")
@atomic()
def seed(if_empty: bool) -> None:
    """Fill the database with a fictional CPTS (names, numbers and addresses are synthetic)."""
    from crisis_app.core.demo import seed as demo_seed

    if if_empty and not demo_seed.is_empty():
        click.echo("Données déjà présentes : rien à semer.")
        return
    summary = demo_seed.seed_demo()
    for line in summary:
        click.echo(line)


@demo_cli.command("credentials")
def credentials() -> None:
    """Print the demo logins."""
    from crisis_app.core.demo import seed as demo_seed

    click.echo(f"Comptes de démonstration (mot de passe commun : {demo_seed.DEMO_PASSWORD})")
    for role, email in demo_seed.DEMO_ACCOUNTS.items():
        click.echo(f"  {role.label:<32} {email}")
    for kind, (email, _) in demo_seed.DEMO_OBSERVERS.items():
        click.echo(f"  {'Observateur (' + kind.upper() + ')':<32} {email}")


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
