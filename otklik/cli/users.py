"""`otklik users …`: console accounts."""

import typer
from sqlmodel import Session

from models.user import Role
from otklik.runtime import get_engine
from triage.accounts import AccountError, create_user, deactivate_user, list_users

app = typer.Typer(help="Create, list and deactivate console users.", no_args_is_help=True)


@app.command("add")
def add(
    username: str = typer.Argument(..., help="The login name."),
    role: Role = typer.Option(Role.OPERATOR, "--role", help="operator, moderator or admin."),
    password: str = typer.Option(
        ...,
        "--password",
        envvar="OTKLIK_NEW_USER_PASSWORD",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="The password (prompted, never echoed, when not given; or OTKLIK_NEW_USER_PASSWORD).",
    ),
) -> None:
    """Create a console user with an argon2id-hashed password."""
    with Session(get_engine()) as session:
        try:
            user = create_user(session, username=username, password=password, role=role)
        except AccountError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from error
    typer.echo(f"user {user.username} created, role {user.role}")


@app.command("list")
def list_command() -> None:
    """List users with their role, state and last login."""
    with Session(get_engine()) as session:
        for user in list_users(session):
            state = "active" if user.active else "deactivated"
            last = user.last_login_at.isoformat(timespec="minutes") if user.last_login_at else "-"
            typer.echo(f"{user.username}\t{user.role}\t{state}\tlast login {last}")


@app.command("deactivate")
def deactivate(username: str = typer.Argument(..., help="The login name.")) -> None:
    """Switch a user off: their console sessions end at the next click."""
    with Session(get_engine()) as session:
        try:
            deactivate_user(session, username=username)
        except AccountError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from error
    typer.echo(f"user {username} deactivated")
