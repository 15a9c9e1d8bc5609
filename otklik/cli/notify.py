"""`otklik notify …`: the notification outbox (e-mail and signed webhooks)."""

import typer
from sqlalchemy import func, select
from sqlmodel import Session

from models.notification import Notification
from otklik.notify import deliver_pending
from otklik.runtime import get_engine
from otklik.settings import get_settings
from otklik.wiring import senders_from_settings

app = typer.Typer(
    help="Send pending notifications and show the outbox (e-mail, signed webhooks).",
    no_args_is_help=True,
)


@app.command("send")
def send(
    include_queued: bool = typer.Option(
        False,
        "--include-queued",
        help="Also deliver rows handed to rq jobs (when Redis lost its queue); never twice.",
    ),
) -> None:
    """Deliver every pending notification now, in this process (one attempt each).

    With OTKLIK_REDIS_URL set the scheduler does this every minute through rq, with retries;
    without Redis, run this command on a schedule (e.g. from cron every minute).
    """
    settings = get_settings()
    with Session(get_engine()) as session:
        counts = deliver_pending(
            session,
            senders=senders_from_settings(settings),
            max_attempts=settings.notify_max_attempts,
            include_queued=include_queued,
        )
    typer.echo(
        f"sent: {counts['sent']}, failed for good: {counts['failed']}, to retry: {counts['retry']}"
    )


@app.command("list")
def list_command(
    limit: int = typer.Option(20, "--limit", help="How many of the newest rows to show."),
) -> None:
    """Outbox counts by status, then the newest rows with their last error."""
    with Session(get_engine()) as session:
        counts = session.execute(
            select(Notification.status, func.count()).group_by(Notification.status)
        ).all()
        typer.echo(" ".join(f"{status}: {count}" for status, count in counts) or "outbox empty")
        rows = session.execute(
            select(Notification).order_by(Notification.id.desc()).limit(limit)  # type: ignore[union-attr]
        ).scalars()
        for row in rows:
            typer.echo(
                f"{row.id}\t{row.event_id}\t{row.channel}\t{row.recipient}\t{row.status}"
                f"\tattempts {row.attempts}\t{row.last_error or ''}"
            )
