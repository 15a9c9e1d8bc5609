"""`otklik api …`: serve the HTTP API; issue, list and revoke agencies' tokens."""

import typer
from sqlalchemy import select
from sqlmodel import Session

from models.agency import Agency
from otklik.runtime import get_engine
from otklik.settings import get_settings
from triage.api_tokens import issue_token, list_tokens, revoke_token
from triage.errors import TriageError

app = typer.Typer(
    help="Serve the HTTP API (Open311 GeoReport v2); issue and revoke agencies' tokens.\n\n"
    "Without a subcommand: serve the API on --host/--port (OTKLIK_API_HOST, OTKLIK_API_PORT) "
    "until stopped.",
    invoke_without_command=True,
)
token_app = typer.Typer(help="Agencies' API tokens (stored hashed).", no_args_is_help=True)
app.add_typer(token_app, name="token")


@app.callback()
def serve(
    ctx: typer.Context,
    host: str = typer.Option(None, "--host", help="Address to listen on (OTKLIK_API_HOST)."),
    port: int = typer.Option(None, "--port", help="Port to listen on (OTKLIK_API_PORT)."),
) -> None:
    """Serve the HTTP API (Open311 GeoReport v2); issue and revoke agencies' tokens.

    Without a subcommand: serve the API on --host/--port until stopped.
    """
    if ctx.invoked_subcommand is not None:
        return
    from otklik.api.serve import app_from_settings, server

    settings = get_settings()
    host, port = host or settings.api_host, port or settings.api_port
    typer.echo(f"Open311 API on http://{host}:{port}/open311/v2/services.json")
    server(app_from_settings(settings), host=host, port=port).run()


@token_app.command("issue")
def issue(
    agency: str = typer.Option(..., "--agency", help="The agency's id or exact name."),
    label: str = typer.Option(None, "--label", help="A note: whose system uses the token."),
    actor: str = typer.Option("cli", "--actor", help="Who issues it (for the audit log)."),
) -> None:
    """Issue a token for an agency and print it once (only its SHA-256 is stored)."""
    with Session(get_engine()) as session:
        try:
            issued = issue_token(
                session, agency_id=_agency_id(session, agency), actor=actor, label=label
            )
            session.commit()
        except TriageError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from error
        typer.echo(f"token {issued.record.id} for agency {issued.record.agency_id}:")
        typer.echo(issued.token)
        typer.echo("keep it now: it is not stored and cannot be shown again", err=True)


@token_app.command("revoke")
def revoke(
    token_id: int = typer.Argument(..., help="The token's number (see `otklik api token list`)."),
    actor: str = typer.Option("cli", "--actor", help="Who revokes it (for the audit log)."),
) -> None:
    """Revoke a token: the API refuses it from the next request on."""
    with Session(get_engine()) as session:
        try:
            revoke_token(session, token_id=token_id, actor=actor)
            session.commit()
        except TriageError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from error
    typer.echo(f"token {token_id} revoked")


@token_app.command("list")
def list_command() -> None:
    """Tokens with their agency, prefix, label and state (never the token itself)."""
    with Session(get_engine()) as session:
        for token in list_tokens(session):
            state = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "active"
            typer.echo(
                f"{token.id}\tagency {token.agency_id}\t{token.prefix}…\t{token.label or '-'}"
                f"\t{state}"
            )


def _agency_id(session: Session, value: str) -> int:
    if value.strip().isdigit():
        return int(value)
    found = session.execute(select(Agency.id).where(Agency.name == value.strip())).scalar()
    if found is None:
        raise TriageError(f"no agency named {value!r}")
    return int(found)
