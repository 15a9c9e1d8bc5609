"""`otklik nlp versions|retrain|promote|rollback` and the confusion matrix of `nlp train`."""

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from models.audit import AuditEvent
from models.learning import ModelVersion, TrainingLabel
from nlp.learning import is_heldout
from otklik.cli import app
from otklik.cli.nlp import HOLDOUT_SHARE
from tests.nlp.test_cli import ROWS, _corpus
from tests.nlp.test_learning import LABELS, _add_labels

runner = CliRunner()
NOT_WORSE = "not worse than the current model on held-out labels"


def _json(*args: str) -> Any:
    result = runner.invoke(app, ["nlp", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def _statuses() -> dict[int, str]:
    return {row["id"]: row["status"] for row in _json("versions")["versions"]}


def _add_wrong_training_labels(engine: Engine) -> None:
    """Training-side labels naming the wrong topic for texts like the held-out ones."""
    topics = [topic for _, topic in LABELS]
    with Session(engine) as session:
        for n in range(30):
            for index, (text, _) in enumerate(LABELS):
                wrong = topics[(index + 2) % len(topics)]
                session.add(TrainingLabel(text=f"{text} [{n}]", topic_code=wrong,
                                          category_code=wrong.split("_")[0]))  # fmt: skip
        session.commit()
        noise = select(TrainingLabel).where(col(TrainingLabel.text).contains("["))
        for label in session.exec(noise):
            if is_heldout(label.id or 0):
                session.delete(label)
        session.commit()


def test_retrain_promote_and_roll_back(configured: str, engine: Engine) -> None:
    assert _json("versions") == {"versions": []}
    assert "cold-start model is in use" in runner.invoke(app, ["nlp", "versions"]).output
    too_few = runner.invoke(app, ["nlp", "retrain"])
    assert too_few.exit_code == 1
    assert "cannot retrain" in too_few.output and "held-out labels" in too_few.output
    refused = runner.invoke(app, ["nlp", "rollback"])
    assert refused.exit_code == 1 and "no promoted model" in refused.output

    with Session(engine) as session:
        _add_labels(session, copies=8)
    first = _json("retrain")  # beats the cold-start model on labels like its own
    assert first["promoted"] is True and first["status"] == "current", first
    second = _json("retrain")  # the same labels: equal, so not worse
    assert second["promoted"] is True and "not worse" in second["reason"]

    _add_wrong_training_labels(engine)
    third = _json("retrain")
    assert third["promoted"] is False and third["status"] == "rejected"
    assert "< current" in third["reason"]  # which figure it lost, and by how much
    ids = first["id"], second["id"], third["id"]
    assert _statuses() == {ids[0]: "retired", ids[1]: "current", ids[2]: "rejected"}
    listed = runner.invoke(app, ["nlp", "versions"]).output.splitlines()
    assert [line.split()[1] for line in listed if line.startswith("*")] == [str(ids[1])]

    worse = runner.invoke(app, ["nlp", "promote", str(ids[2])])
    assert worse.exit_code == 1 and "--force" in worse.output
    assert _statuses()[ids[2]] == "rejected"  # a refusal changes nothing
    forced = runner.invoke(app, ["nlp", "promote", str(ids[2]), "--force", "--actor", "ivanov"])
    assert forced.exit_code == 0, forced.output
    assert "promoted: forced, although" in forced.output
    assert _statuses()[ids[2]] == "current"

    back = runner.invoke(app, ["nlp", "rollback", "--actor", "ivanov"])
    assert back.exit_code == 0, back.output
    assert f"(#{ids[2]}); now current: {second['name']} (#{ids[1]})" in back.output
    assert _statuses() == {ids[0]: "retired", ids[1]: "current", ids[2]: "retired"}

    # The first version was compared with the cold-start model: it is compared again, now,
    # with the current one on the held-out labels (trained on the same labels: not worse).
    again = _json("promote", str(ids[0]))
    assert again["promoted"] is True and again["reason"].startswith("not worse"), again
    assert _statuses()[ids[0]] == "current"
    already = runner.invoke(app, ["nlp", "promote", str(ids[0])])
    assert already.exit_code == 1 and "already current" in already.output
    missing = runner.invoke(app, ["nlp", "promote", "999"])
    assert missing.exit_code == 1 and "no model version 999" in missing.output

    with Session(engine) as session:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.entity_type == "model").order_by(col(AuditEvent.id))
        ).all()
    assert [(e.actor, e.action, e.entity_id) for e in events] == [
        ("cli", "retrain", ids[0]), ("cli", "promote", ids[0]),
        ("cli", "retrain", ids[1]), ("cli", "promote", ids[1]),
        ("cli", "retrain", ids[2]), ("cli", "reject", ids[2]),
        ("ivanov", "promote", ids[2]), ("ivanov", "rollback", ids[2]),
        ("cli", "promote", ids[0]),
    ]  # fmt: skip
    assert events[-3].after is not None and events[-3].after["forced"] is True
    assert events[-2].after == {"name": third["name"], "restored": second["name"]}


def test_train_stores_the_category_confusion_matrix(
    configured: str, engine: Engine, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path / "cur.csv")
    trained = runner.invoke(app, ["nlp", "train", "--corpus", str(corpus),
                                  "--text-column", "Текст инцидента",
                                  "--label-column", "Группа тем", "--topic-column", "Тема",
                                  "--out", str(tmp_path / "model")])  # fmt: skip
    assert trained.exit_code == 0, trained.output
    with Session(engine) as session:
        version = session.exec(select(ModelVersion)).one()
    rows = len(ROWS) * 3
    heldout = rows - int(rows * (1 - HOLDOUT_SHARE))
    metrics = version.metrics
    assert metrics["heldout"] == heldout == metrics["candidate"]["category"]["n"]
    labels, matrix = metrics["confusion"]["labels"], metrics["confusion"]["matrix"]
    assert set(labels) <= {category for _, category, _ in ROWS} and labels == sorted(labels)
    assert len(matrix) == len(labels) and all(len(row) == len(labels) for row in matrix)
    assert sum(map(sum, matrix)) == heldout
    diagonal = sum(matrix[i][i] for i in range(len(labels)))
    assert round(diagonal / heldout, 4) == metrics["candidate"]["category"]["accuracy"]

    listed = _json("versions")["versions"]
    assert [(row["id"], row["status"], row["heldout"]) for row in listed] == [
        (version.id, "candidate", heldout)
    ]
    assert set(listed[0]["metrics"]) == {"category"}
    # No comparison with a current model: `promote` refuses it; `--force` is the way.
    refused = runner.invoke(app, ["nlp", "promote", str(version.id)])
    assert refused.exit_code == 1
    assert "no comparison with the current model" in refused.output


def test_the_nightly_job_runs_the_same_loop(configured: str, engine: Engine) -> None:
    from otklik.jobs import retrain_job

    too_few = retrain_job()
    assert too_few["trained"] is False and "held-out labels" in too_few["reason"]
    with Session(engine) as session:
        _add_labels(session, copies=8)
    assert retrain_job() == {"trained": True, "promoted": True, "reason": NOT_WORSE}
    listed = _json("versions")["versions"]
    assert [row["status"] for row in listed] == ["current"]
    assert set(listed[0]["metrics"]) == {"topic", "signal", "category"}
