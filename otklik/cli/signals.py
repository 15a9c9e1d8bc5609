"""`otklik signals add`: a signal taken by phone, from the ЕДДС or at a library point."""

import typer

from ingest.manual import CHANNEL_NAMES, Channel, ManualSignal, ManualSignalError
from otklik import resources
from otklik.pipeline import configured_pipeline
from otklik.runtime import get_engine
from otklik.settings import get_settings
from otklik.signals import add_signal

app = typer.Typer(
    help="Signals entered by hand (a call, an ЕДДС message, a visit).", no_args_is_help=True
)

CHANNELS = ", ".join(f"{c.value} = {name}" for c, name in CHANNEL_NAMES.items())


@app.command("add")
def add(
    text: str = typer.Argument(..., help="What the person reported, in their words."),
    channel: Channel = typer.Option(Channel.PHONE, "--channel", help=f"How it came: {CHANNELS}."),
    municipality: str = typer.Option(
        None,
        "--municipality",
        help="The municipality's official name: the post's place, whatever the text names "
        "(empty: the model reads it from the text).",
    ),
    address: str = typer.Option(None, "--address", help="Street, house, landmark."),
    contact: str = typer.Option(
        None, "--contact", help="Phone or e-mail of the person (stored only with --consent)."
    ),
    contact_name: str = typer.Option(None, "--contact-name", help="How to address the person."),
    consent: bool = typer.Option(
        False,
        "--consent",
        help="The person agreed to the processing of their contact data (152-ФЗ).",
    ),
    operator: str = typer.Option("operator", "--operator", help="Who took it, for the audit log."),
) -> None:
    """Store a signal and run it through NLP and triage like a crawled post."""
    signal = ManualSignal(
        text=text, channel=channel, operator=operator, municipality=municipality,
        address=address, contact_name=contact_name, contact=contact, consent=consent,
    )  # fmt: skip
    engine = get_engine()
    try:
        added = add_signal(
            engine=engine,
            pipeline=configured_pipeline(get_settings(), engine=engine),
            signal=signal,
            user_id=None,
            lemmatize=resources.lemmatize_text,
        )
    except ManualSignalError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(
        f"post {added.post_id}: {added.review_status}; "
        f"municipality: {added.municipality or '-'}; topic: {added.topic_code or '-'}; "
        f"incident: {added.incident_id or '-'}"
    )
