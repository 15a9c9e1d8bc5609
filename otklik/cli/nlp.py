"""`otklik nlp …`: train, evaluate and run the category/topic/signal classifier.

The learning-loop commands (versions, retrain, promote, rollback) live in `model_versions`.
"""

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

import typer
from sqlmodel import Session

from ingest.exports.table import (
    TableError,
    TableMapping,
    check_mapping,
    parse_mapping,
    read_table,
)
from models.annotation import PostContext
from models.clock import now
from models.learning import ModelVersion
from nlp.annotator import Annotator
from nlp.classifier import ClassifierBundle, Example, load_bundle, train_bundle
from nlp.coldstart import seed_examples
from nlp.corpus import Corpus, CorpusError, read_corpus
from nlp.lemmas import Lemmatizer
from nlp.loading import build_annotator
from nlp.metrics import classification_report, confusion
from otklik.cli import model_versions
from otklik.cli.progress import Advance, progress_bar
from otklik.runtime import get_engine
from otklik.settings import get_settings

app = typer.Typer(
    help="Train, evaluate and run the classifier; manage its versions.", no_args_is_help=True
)
app.add_typer(model_versions.app)  # no name: its commands sit beside these

HOLDOUT_SHARE = 0.2
ANNOTATE_BATCH = 256


@app.command("train")
def train(
    corpus: Path = typer.Option(..., exists=True, dir_okay=False, help="CSV or XLSX corpus."),
    text_column: str = typer.Option(None, help="Column with the text ('Текст инцидента')."),
    label_column: str = typer.Option(None, help="Column with the category ('Группа тем')."),
    topic_column: str = typer.Option(None, help="Column with the topic ('Тема'), optional."),
    out: Path = typer.Option(None, help="Model directory (default: OTKLIK_MODEL_DIR/<name>)."),
    pairs: list[str] = typer.Argument(None, help='field="Column" pairs (after --map).'),
    _map: bool = typer.Option(
        False,
        "--map",
        help='Instead of the --*-column options, as `otklik ingest table`: text="…" and '
        'category="…" and/or topic="…"; XLSX is streamed.',
    ),
) -> None:
    """Train a model on a labelled corpus; report held-out figures; register it as a candidate.

    Example: otklik nlp train --corpus cur_export.xlsx --map text="Текст инцидента"
    category="Группа тем" topic="Тема".
    """
    engine = get_engine()  # a database that is not ready says so before the training
    data = (
        _read_mapped(corpus, pairs)
        if pairs
        else _read(corpus, _required(text_column, "--text-column"),
                   _required(label_column, "--label-column"), topic_column)
    )  # fmt: skip
    lemmatizer = Lemmatizer()
    settings = get_settings()
    name = f"{corpus.stem}-{now():%Y%m%d-%H%M%S}"
    with progress_bar("training", total=3) as advance:
        held = _holdout_metrics(data, lemmatizer)
        advance()
        bundle = _train(data, lemmatizer, settings.data_dir, {"name": name, "heldout": held})
        advance()
        directory = bundle.save(out or settings.model_dir / name)
        advance()
    with Session(engine) as session:
        session.add(ModelVersion(name=name, path=str(directory.resolve()), metrics=held,
                                 label_count=len(data.texts)))  # fmt: skip
        session.commit()
    typer.echo(f"model written to {directory} (skipped rows without text or label: {data.skipped})")
    typer.echo(json.dumps(held, ensure_ascii=False))


@app.command("evaluate")
def evaluate(
    model: Path = typer.Option(..., exists=True, file_okay=False, help="A model directory."),
    corpus: Path = typer.Option(..., exists=True, dir_okay=False, help="CSV or XLSX corpus."),
    text_column: str = typer.Option(..., help="Column with the text."),
    label_column: str = typer.Option(..., help="Column with the true label (category or topic)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON object."),
) -> None:
    """Accuracy, macro-F1, per-class precision/recall and coverage at 95/97/99% precision."""
    data = _read(corpus, text_column, label_column, None)
    bundle = load_bundle(model)
    report = evaluate_corpus(bundle, data.texts, data.labels, Lemmatizer())
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    typer.echo(f"n={report['n']} accuracy={report['accuracy']} macro-F1={report['macro_f1']}")
    for target, share in report["coverage"].items():
        typer.echo(f"coverage at {float(target):.0%} precision: {share:.1%}")
    for label, row in report["per_class"].items():
        typer.echo(f"  {label}: P={row['precision']} R={row['recall']} n={row['support']}")


@app.command("annotate")
def annotate(
    input_path: Path = typer.Option(
        ..., "--input", exists=True, dir_okay=False, help="JSON lines."
    ),
    model: Path = typer.Option(None, file_okay=False, help="Model directory (default: promoted)."),
    output: Path = typer.Option(None, help="Output JSON lines (default: stdout)."),
) -> None:
    """Add is_signal, category, topic, municipality and their confidences to each JSON line.

    Optional fields of a line are read as its structure: `kind` (post, comment, reply),
    `author_is_source` (true: the page itself wrote it), `parent_text` (the post or comment
    it answers; present but empty: never fetched), `source_role` (authority, residents,
    media), `is_ad` (true: the network marked it as an advert). `signal_structure` etc. in
    the output say why the signal decision was made.
    """
    settings = get_settings()
    with Session(get_engine(), expire_on_commit=False) as session:
        annotator = build_annotator(
            session, model_dir=settings.model_dir, data_dir=settings.data_dir,
            region_code=settings.region_code, model_path=model,
        )  # fmt: skip
    sink = output.open("w", encoding="utf-8") if output else sys.stdout
    errors = 0
    try:
        for batch in _batches(input_path):
            errors += _annotate_batch(annotator, batch, sink)
    finally:
        if output:
            sink.close()
    if errors:
        typer.echo(f"{errors} line(s) could not be read; see their `error` field", err=True)


def evaluate_corpus(
    bundle: ClassifierBundle, texts: list[str], labels: list[str], lemmatizer: Lemmatizer
) -> dict[str, Any]:
    predictions = bundle.predict(texts, lemmatizer)
    by_topic = sum(label in bundle.topic_category for label in labels) > len(labels) / 2
    predicted = [(p.topic if by_topic else p.category) or "" for p in predictions]
    confidence = [p.topic_confidence if by_topic else p.category_confidence for p in predictions]
    return classification_report(labels, predicted, confidence)


def _read(path: Path, text: str, label: str, topic: str | None) -> Corpus:
    try:
        return read_corpus(path, text_column=text, label_column=label, topic_column=topic)
    except CorpusError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error


def _required(value: str | None, option: str) -> str:
    if not value:
        typer.echo(f'error: give {option} (or --map field="Column" pairs)', err=True)
        raise typer.Exit(2)
    return value


def _read_mapped(path: Path, pairs: list[str]) -> Corpus:
    """The corpus through `--map`, read as `otklik ingest table` reads (XLSX streamed)."""
    try:
        mapping = parse_mapping(pairs, required=("text",))
        if not (mapping.category or mapping.topic):
            raise TableError('--map needs category="…" or topic="…" to train on')
        table = read_table(path)
        try:
            check_mapping(table, mapping, name=path.name)
            with progress_bar(f"reading {path.name}") as advance:
                return corpus_from_rows(table.rows, mapping, advance)
        finally:
            table.close()
    except TableError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error


def corpus_from_rows(
    rows: Iterable[tuple[int, dict[str, str] | str]], mapping: TableMapping, advance: Advance
) -> Corpus:
    """Texts with their group (or topic) and topic; rows without text or label are counted."""
    texts: list[str] = []
    labels: list[str] = []
    topics: list[str] = []
    skipped = 0
    label_column = mapping.category or mapping.topic or ""
    for _, cells in rows:
        advance()
        row = cells if isinstance(cells, dict) else {}
        text, label = row.get(mapping.text, ""), row.get(label_column, "")
        topic = row.get(mapping.topic, "") if mapping.topic else label
        if not (text.strip() and label.strip() and topic.strip()):
            skipped += 1
            continue
        texts.append(text)
        labels.append(label.strip())
        topics.append(topic.strip())
    with_topics = bool(mapping.topic and mapping.category)
    return Corpus(texts, labels, topics if with_topics else None, skipped)


def _train(
    data: Corpus, lemmatizer: Lemmatizer, data_dir: Path, meta: dict[str, Any]
) -> ClassifierBundle:
    signal_only = [Example(e.text, None, e.is_signal) for e in seed_examples(data_dir)]
    return train_bundle(
        data.examples(), lemmatizer=lemmatizer, topic_category=data.topic_category(),
        signal_examples=signal_only, meta=meta, label_names=data.label_names(),
    )  # fmt: skip


def _holdout_metrics(data: Corpus, lemmatizer: Lemmatizer) -> dict[str, Any]:
    """Train on 80%, report category figures and their confusion matrix on the other 20%.

    The shape of `retrain_candidate`'s metrics (without a comparison with a current model),
    so the console shows the figures and the matrix of a CLI-trained version too.
    """
    cut = int(len(data.texts) * (1 - HOLDOUT_SHARE))
    train_part = Corpus(data.texts[:cut], data.labels[:cut],
                        data.topics[:cut] if data.topics else None, 0)  # fmt: skip
    bundle = train_bundle(train_part.examples(), lemmatizer=lemmatizer,
                          topic_category=train_part.topic_category(),
                          label_names=train_part.label_names())  # fmt: skip
    predictions = bundle.predict(data.texts[cut:], lemmatizer)
    truth, predicted = data.labels[cut:], [p.category or "" for p in predictions]
    report = classification_report(truth, predicted, [p.category_confidence for p in predictions])
    report.pop("per_class")
    return {
        "candidate": {"category": report},
        "heldout": len(truth),
        "confusion": confusion(truth, predicted),
    }


def _batches(path: Path) -> Iterator[list[tuple[int, str]]]:
    batch: list[tuple[int, str]] = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                batch.append((number, line))
            if len(batch) >= ANNOTATE_BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def _annotate_batch(annotator: Annotator, batch: list[tuple[int, str]], sink: TextIO) -> int:
    records: list[dict[str, Any]] = []
    for number, line in batch:
        records.append(_parse_line(number, line))
    good = [r for r in records if "error" not in r]
    contexts = [line_context(r) for r in good]
    results = annotator.annotate([r["text"] for r in good], contexts=contexts)
    names = annotator.resolver.gazetteer.municipalities
    for record, result in zip(good, results, strict=True):
        record.update(
            is_signal=result.is_signal, signal_confidence=result.signal_confidence,
            category=result.category_code, category_confidence=result.category_confidence,
            topic=result.topic_code, topic_confidence=result.topic_confidence,
            municipality=names.get(result.municipality_id or -1),
            municipality_confidence=result.municipality_confidence,
            municipality_span=result.municipality_span,
            topic_alternatives=(result.reasons or {}).get("alternatives", []),
        )  # fmt: skip
        record.update(_decision_reasons(result.reasons or {}))
    for record in records:
        sink.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(records) - len(good)


def line_context(record: dict[str, Any]) -> PostContext:
    """The optional structure of a JSON line: `kind` (post, comment or reply),
    `author_is_source` (the page itself wrote it), `parent_text`, `source_role`, `is_ad`."""
    kind = record.get("kind")
    position = kind if kind in ("comment", "reply") else "post"
    author = record.get("author_is_source")
    parent = record.get("parent_text")
    role = record.get("source_role")
    return PostContext(
        position=position,
        author_is_source=author if isinstance(author, bool) else None,
        source_role=role if role in ("authority", "residents", "media") else None,
        parent_text=parent if isinstance(parent, str) and parent.strip() else None,
        parent_missing=position != "post" and "parent_text" in record and not parent,
        is_ad=record.get("is_ad") is True,
    )


def _decision_reasons(reasons: dict[str, Any]) -> dict[str, Any]:
    """Why the signal decision was made, when it was not the words alone."""
    keys = ("structure", "read_with_parent", "orphan_reply", "signal_probability")
    return {f"signal_{key}" if not key.startswith("signal") else key: reasons[key]
            for key in keys if key in reasons}  # fmt: skip


def _parse_line(number: int, line: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return {"line": number, "error": f"invalid JSON: {error.msg}"}
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return {"line": number, "error": "expected an object with a string `text`"}
    return record
