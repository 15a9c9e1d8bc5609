"""`otklik sources …`: register, list and switch off crawl sources."""

import typer
from sqlmodel import Session, select

from ingest.failures import SourceFailure
from ingest.sources import get_or_create_source, set_source_enabled, set_source_role
from ingest.vk.client import make_vk_api
from ingest.vk.groups import get_group
from models.source import Source, SourceCreate, SourceKind, SourceRole
from otklik.runtime import get_engine
from otklik.settings import get_settings

app = typer.Typer(help="Register, list, disable and re-enable crawl sources.", no_args_is_help=True)

CRAWLED = [SourceKind.VK_WALL, SourceKind.VK_COMMENTS, SourceKind.VK_SEARCH, SourceKind.TELEGRAM]


# A negative VK id (`-300`) is the target, not an unknown option: options may follow it.
@app.command("add", context_settings={"ignore_unknown_options": True})
def add(
    kind: SourceKind = typer.Argument(..., help="vk_wall, vk_comments, vk_search or telegram."),
    target: str = typer.Argument(
        ...,
        help="VK owner id (club123 or -123 for a community, id5 for a user), "
        "a search query, or a Telegram channel.",
    ),
    name: str = typer.Option(None, "--name", help="Display name (default: the target)."),
    hot: bool = typer.Option(False, "--hot", help="Crawl often (a city administration)."),
    interval: int = typer.Option(None, "--interval", help="Own crawl interval in seconds."),
    municipality_id: int = typer.Option(
        None, "--municipality-id", help="The municipality this source speaks for."
    ),
    role: SourceRole = typer.Option(
        None,
        "--role",
        help="authority (an administration's page: its own posts and replies are never "
        "signals), residents («Подслушано», «ЧП …», a house chat) or media (a news page). "
        "Default: guessed from the first crawl.",
    ),
) -> None:
    """Register a source to crawl on schedule (adding it again changes nothing)."""
    if kind not in CRAWLED:
        raise typer.BadParameter(f"{kind} sources are imported with `otklik ingest`, not crawled")
    if kind in (SourceKind.VK_WALL, SourceKind.VK_COMMENTS):
        target = vk_owner_id(target)
        name = name or _community_name(target)
    if kind == SourceKind.TELEGRAM:
        target = target.lstrip("@")
    with Session(get_engine()) as session:
        source = get_or_create_source(
            session,
            source=SourceCreate(
                kind=kind,
                name=name or target,
                target=target,
                hot=hot,
                interval_seconds=interval,
                municipality_id=municipality_id,
                role=role,
            ),
        )
        session.commit()
        typer.echo(f"source {source.id}: {source.kind} {source.target} ({source.name})")


@app.command("role")
def set_role(
    source_id: int = typer.Argument(..., help="The source's id (see `sources list`)."),
    role: SourceRole = typer.Argument(..., help="authority, residents or media."),
) -> None:
    """Set a source's role (replaces a guessed one); it applies to posts annotated from now on."""
    with Session(get_engine()) as session:
        if set_source_role(session, source_id=source_id, role=role) is None:
            typer.echo(f"no source with id {source_id}", err=True)
            raise typer.Exit(1)
        session.commit()
    typer.echo(f"source {source_id}: role {role}")


@app.command("list")
def list_sources() -> None:
    """List sources with their health: status, last success, last error, posts fetched."""
    with Session(get_engine()) as session:
        sources = session.exec(select(Source).order_by(Source.id)).all()  # type: ignore[arg-type]
        for source in sources:
            typer.echo(_line(source))
    if not sources:
        typer.echo("no sources")


@app.command("disable")
def disable(
    source_id: int = typer.Argument(..., help="The source's id (see `sources list`)."),
) -> None:
    """Stop crawling a source; its posts stay."""
    _set_enabled(source_id, enabled=False)


@app.command("enable")
def enable(
    source_id: int = typer.Argument(..., help="The source's id (see `sources list`)."),
) -> None:
    """Crawl a source again: after `disable`, a fixed token (broken) or a reopened wall (gone)."""
    _set_enabled(source_id, enabled=True)


def _set_enabled(source_id: int, *, enabled: bool) -> None:
    with Session(get_engine()) as session:
        if set_source_enabled(session, source_id=source_id, enabled=enabled) is None:
            typer.echo(f"no source with id {source_id}", err=True)
            raise typer.Exit(1)
        session.commit()
    typer.echo(f"source {source_id} {'enabled' if enabled else 'disabled'}")


def _line(source: Source) -> str:
    success = (
        source.last_success_at.isoformat(timespec="seconds") if source.last_success_at else "-"
    )
    parts = [
        f"{source.id}",
        source.kind,
        source.target,
        source.name,
        f"status={source.status}",
        f"hot={'yes' if source.hot else 'no'}",
        f"role={source.role or '-'}{' (guessed)' if source.role_guessed else ''}",
        f"last_success={success}",
        f"posts={source.posts_fetched}",
    ]
    if source.retry_after:
        parts.append(f"retry_after={source.retry_after.isoformat(timespec='seconds')}")
    if source.last_error:
        parts.append(f"last_error={source.last_error}")
    return "  ".join(parts)


def _community_name(owner_id: str) -> str | None:
    """The community's name from `groups.getById`, when a VK token is configured."""
    settings = get_settings()
    if not owner_id.startswith("-") or settings.vk_token is None:
        return None
    vk = make_vk_api(
        token=settings.vk_token.get_secret_value(),
        rps_delay=settings.vk_rps_delay,
        api_url=settings.vk_api_url,
    )
    try:
        return get_group(vk, group=owner_id).name
    except SourceFailure as failure:
        typer.echo(f"cannot add this community: {failure.message}", err=True)
        raise typer.Exit(1) from failure


def vk_owner_id(target: str) -> str:
    """`club123` / `public123` -> `-123`, `id5` -> `5`; a number stays as it is."""
    for prefix, sign in (("club", "-"), ("public", "-"), ("id", "")):
        if target.startswith(prefix) and target[len(prefix) :].isdigit():
            return sign + target[len(prefix) :]
    try:
        return str(int(target))
    except ValueError as error:
        raise typer.BadParameter(
            f"a VK owner id is club123, id5 or a number (-123 for a community), not {target!r}"
        ) from error
