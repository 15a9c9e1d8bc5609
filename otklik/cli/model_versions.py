"""`otklik nlp versions|retrain|promote|rollback`: the learning loop from the command line.

The same stage functions as the console's Модель page and the nightly job; every change is
written to the audit log like the console does (entity `model`, the acting name as actor).
"""

import json
from typing import Any, NoReturn

import typer
from sqlmodel import Session, col, select

from models.learning import ModelStatus, ModelVersion
from nlp.learning import Decision, LearningError, current_version, retrain_and_decide, rollback
from nlp.learning import promote as promote_version
from nlp.lemmas import Lemmatizer
from otklik.runtime import get_engine
from otklik.settings import get_settings
from triage.audit import record_event

app = typer.Typer()

ACTOR = typer.Option("cli", "--actor", help="Who acted, for the audit log.")
JSON = typer.Option(False, "--json", help="Print one JSON object instead of text.")
FIGURES = ("topic", "signal", "category")


@app.command("versions")
def versions(as_json: bool = JSON) -> None:
    """Every stored model version, newest first, with status and held-out figures."""
    with Session(get_engine()) as session:
        rows = [version_record(v) for v in session.exec(_newest_first())]
    if as_json:
        typer.echo(json.dumps({"versions": rows}, ensure_ascii=False))
        return
    if not any(row["current"] for row in rows):
        typer.echo("no promoted version: the cold-start model is in use")
    for row in rows:
        typer.echo(_version_line(row))


@app.command("retrain")
def retrain(as_json: bool = JSON, actor: str = ACTOR) -> None:
    """Train a candidate on moderators' labels; promote it only if it is not worse (as nightly)."""
    settings = get_settings()
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            decision = retrain_and_decide(
                session, model_dir=settings.model_dir, data_dir=settings.data_dir,
                lemmatizer=Lemmatizer(),
            )  # fmt: skip
        except LearningError as error:
            _fail(f"cannot retrain: {error}")
        _audit(session, actor=actor, action="retrain", version=decision.candidate)
        _audit_decision(session, actor=actor, decision=decision)
    _report(decision, as_json)


@app.command("promote")
def promote(
    version_id: int = typer.Argument(..., help="The version's id (see `otklik nlp versions`)."),
    force: bool = typer.Option(False, "--force", help="Promote even if it is worse."),
    as_json: bool = JSON,
    actor: str = ACTOR,
) -> None:
    """Make a stored version current, only if it is not worse than the current one."""
    settings = get_settings()
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            decision = promote_version(
                session, version_id=version_id, force=force, model_dir=settings.model_dir,
                data_dir=settings.data_dir, lemmatizer=Lemmatizer(),
            )  # fmt: skip
        except LearningError as error:
            _fail(f"cannot promote: {error}")
        if decision.promoted:
            _audit(session, actor=actor, action="promote", version=decision.candidate,
                   reason=decision.reason, forced=force)  # fmt: skip
    _report(decision, as_json)
    if not decision.promoted:
        typer.echo("refused; --force promotes it anyway", err=True)
        raise typer.Exit(1)


@app.command("rollback")
def rollback_current(actor: str = ACTOR) -> None:
    """Retire the current version; its parent (or the cold-start model) takes over."""
    with Session(get_engine(), expire_on_commit=False) as session:
        retired = current_version(session)
        try:
            restored = rollback(session)
        except LearningError as error:
            _fail(f"cannot roll back: {error}")
        _audit(session, actor=actor, action="rollback", version=retired,
               restored=restored.name if restored else None)  # fmt: skip
    now_current = f"{restored.name} (#{restored.id})" if restored else "the cold-start model"
    typer.echo(f"retired {_name(retired)}; now current: {now_current}")


def version_record(version: ModelVersion) -> dict[str, Any]:
    """What `versions` shows of one version: identity, status and held-out figures."""
    return {
        "id": version.id,
        "name": version.name,
        "status": version.status,
        "current": version.status == ModelStatus.CURRENT,
        "created_at": version.created_at.isoformat(timespec="seconds"),
        "promoted_at": (
            version.promoted_at.isoformat(timespec="seconds") if version.promoted_at else None
        ),
        "parent_id": version.parent_id,
        "examples": version.label_count,
        "heldout": version.metrics.get("heldout"),
        "metrics": key_metrics(version.metrics),
    }


def key_metrics(metrics: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Accuracy and macro-F1 of the version itself, per task it was evaluated on."""
    own = metrics.get("candidate") or {}
    return {
        task: {figure: own[task][figure] for figure in ("accuracy", "macro_f1")}
        for task in FIGURES
        if isinstance(own.get(task), dict)
    }


def _newest_first() -> Any:
    return select(ModelVersion).order_by(col(ModelVersion.id).desc())


def _version_line(row: dict[str, Any]) -> str:
    mark = "*" if row["current"] else " "
    figures = " ".join(
        f"{task}={values['accuracy']:.3f}/{values['macro_f1']:.3f}"
        for task, values in row["metrics"].items()
    )
    return (
        f"{mark} {row['id']:>4}  {row['status']:<9}  {row['created_at']}  {row['name']}  "
        f"examples={row['examples']} heldout={row['heldout'] or '-'}  {figures or 'no figures'}"
    )


def _report(decision: Decision, as_json: bool) -> None:
    candidate = decision.candidate
    if as_json:
        typer.echo(json.dumps({"id": candidate.id, "name": candidate.name,
                               "promoted": decision.promoted, "status": candidate.status,
                               "reason": decision.reason}, ensure_ascii=False))  # fmt: skip
        return
    verdict = "promoted" if decision.promoted else f"not promoted ({candidate.status})"
    typer.echo(f"{candidate.name} (#{candidate.id}): {verdict}: {decision.reason}")


def _audit_decision(session: Session, *, actor: str, decision: Decision) -> None:
    action = "promote" if decision.promoted else "reject"
    _audit(session, actor=actor, action=action, version=decision.candidate, reason=decision.reason)


def _audit(
    session: Session, *, actor: str, action: str, version: ModelVersion | None, **after: Any
) -> None:
    """The console's model audit event: entity `model`, the version's id and name."""
    record_event(
        session, actor=actor, user_id=None, entity_type="model",
        entity_id=(version.id or 0) if version else 0, action=action, before=None,
        after={"name": version.name if version else None, **after},
    )  # fmt: skip
    session.commit()


def _name(version: ModelVersion | None) -> str:
    return f"{version.name} (#{version.id})" if version else "-"


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)
