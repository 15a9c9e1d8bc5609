"""`otklik users …`: console accounts."""

from collections.abc import Callable
from functools import partial

import typer
from sqlmodel import Session

from models.user import Role, User
from otklik.runtime import get_engine
from triage.accounts import (
    AccountError,
    change_role,
    create_user,
    get_user,
    list_users,
    set_active,
    set_user_scope,
)
from triage.errors import TriageError
from triage.scope import municipality_ids_by_name, user_municipality_ids

app = typer.Typer(
    help="Create, list and deactivate console users.\n\n"
    "Also reactivate them and set their role and territory (each change audited).",
    no_args_is_help=True,
)

MUNICIPALITY_HELP = (
    "A municipality (name or id) the user is scoped to; repeat for several. "
    "Without one the user is regional and sees every territory."
)


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
    municipality: list[str] = typer.Option(None, "--municipality", help=MUNICIPALITY_HELP),
) -> None:
    """Create a console user with an argon2id-hashed password (and territory, if given)."""
    with Session(get_engine()) as session:
        try:
            ids = municipality_ids_by_name(session, names=municipality or [])
            user = create_user(
                session, username=username, password=password, role=role, municipality_ids=ids
            )
        except (AccountError, TriageError) as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from error
    territory = f", {len(ids)} municipalities" if ids else ", regional"
    typer.echo(f"user {user.username} created, role {user.role}{territory}")


@app.command("scope")
def scope(
    username: str = typer.Argument(..., help="The login name."),
    municipality: list[str] = typer.Option(None, "--municipality", help=MUNICIPALITY_HELP),
    regional: bool = typer.Option(
        False, "--regional", help="Remove every municipality: the user sees the whole region."
    ),
    actor: str = typer.Option("cli", "--actor", help="Who changes it (for the audit log)."),
) -> None:
    """Change the municipalities a user is scoped to (audited)."""
    if bool(municipality) == regional:
        typer.echo("error: give --municipality (one or more) or --regional", err=True)
        raise typer.Exit(2)
    with Session(get_engine()) as session:
        try:
            ids = municipality_ids_by_name(session, names=municipality or [])
            set_user_scope(session, username=username, municipality_ids=ids, actor=actor)
        except (AccountError, TriageError) as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from error
    typer.echo(f"user {username}: " + (f"municipalities {ids}" if ids else "regional"))


@app.command("list")
def list_command() -> None:
    """List users with their role, state and last login."""
    with Session(get_engine()) as session:
        for user in list_users(session):
            state = "active" if user.active else "deactivated"
            last = user.last_login_at.isoformat(timespec="minutes") if user.last_login_at else "-"
            ids = user_municipality_ids(session, user_id=user.id or 0)
            territory = "municipalities " + ",".join(map(str, ids)) if ids else "regional"
            typer.echo(f"{user.username}\t{user.role}\t{state}\t{territory}\tlast login {last}")


@app.command("deactivate")
def deactivate(
    username: str = typer.Argument(..., help="The login name."),
    actor: str = typer.Option("cli", "--actor", help="Who changes it (for the audit log)."),
) -> None:
    """Switch a user off: their console sessions end at the next click (never the last
    active admin; audited)."""
    _change_user(username, partial(set_active, active=False, actor=actor))
    typer.echo(f"user {username} deactivated")


@app.command("reactivate")
def reactivate(
    username: str = typer.Argument(..., help="The login name."),
    actor: str = typer.Option("cli", "--actor", help="Who changes it (for the audit log)."),
) -> None:
    """Switch a deactivated user back on (audited)."""
    _change_user(username, partial(set_active, active=True, actor=actor))
    typer.echo(f"user {username} reactivated")


@app.command("role")
def role_command(
    username: str = typer.Argument(..., help="The login name."),
    role: Role = typer.Argument(..., help="operator, moderator or admin."),
    actor: str = typer.Option("cli", "--actor", help="Who changes it (for the audit log)."),
) -> None:
    """Give a user another role (audited; never demotes the last active admin)."""
    _change_user(username, partial(change_role, role=role, actor=actor))
    typer.echo(f"user {username}: role {role}")


def _change_user(username: str, change: Callable[..., User]) -> None:
    """Find `username`, apply `change(session, user_id=…)` (a triage.accounts function, the
    same the console's «Пользователи» calls) and commit; a refusal (no such user, the last
    active admin) goes to stderr with exit code 1."""
    with Session(get_engine()) as session:
        try:
            user = get_user(session, username=username)
            if user is None:
                raise AccountError(f"no user {username!r}")
            change(session, user_id=user.id or 0)
            session.commit()
        except AccountError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from error
