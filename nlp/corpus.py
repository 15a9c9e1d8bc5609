"""Labelled corpora from CSV or XLSX files with named columns (ЦУР exports included)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from nlp.classifier import Example, majority_categories

# Column names of ЦУР exports, so `--text-column` can be left to them.
CUR_TEXT = "Текст инцидента"
CUR_CATEGORY = "Группа тем"
CUR_TOPIC = "Тема"
_CODE = re.compile(r"[A-Za-z0-9_.:\-]+")  # an identifier, not a wording


class CorpusError(ValueError):
    """The corpus file cannot be read or lacks a named column."""


@dataclass
class Corpus:
    texts: list[str]
    labels: list[str]  # categories
    topics: list[str] | None
    skipped: int  # rows without text or label

    def examples(self) -> list[Example]:
        labels = self.topics if self.topics is not None else self.labels
        return [Example(text, label) for text, label in zip(self.texts, labels, strict=True)]

    def label_names(self) -> dict[str, str]:
        """The labels that are wordings, as their own names (see `readable_names`)."""
        return readable_names(self.topics if self.topics is not None else self.labels)

    def topic_category(self) -> dict[str, str] | None:
        if self.topics is None:
            return None
        return majority_categories(list(zip(self.topics, self.labels, strict=True)))


def readable_names(labels: Iterable[str]) -> dict[str, str]:
    """label -> itself, for labels that are wordings («Ямы на дороге», «Благоустройство»), not
    codes or numbers ("roads_potholes", "12"): a ЦУР export's «Тема» names its topic."""
    return {label: label for label in set(labels) if not _CODE.fullmatch(label)
            and any(char.isalpha() for char in label)}  # fmt: skip


def read_corpus(
    path: Path, *, text_column: str, label_column: str, topic_column: str | None = None
) -> Corpus:
    frame = _read_frame(path)
    wanted = [text_column, label_column, *([topic_column] if topic_column else [])]
    missing = [column for column in wanted if column not in frame.columns]
    if missing:
        raise CorpusError(f"{path.name} has no column(s) {missing}; it has {list(frame.columns)}")
    frame = frame[wanted].astype("string")
    usable = frame.notna().all(axis=1) & (frame[text_column].str.strip().str.len() > 0)
    kept = frame[usable]
    return Corpus(
        texts=kept[text_column].tolist(),
        labels=kept[label_column].str.strip().tolist(),
        topics=kept[topic_column].str.strip().tolist() if topic_column else None,
        skipped=int((~usable).sum()),
    )


def _read_frame(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix in {".xlsx", ".xlsm"}:
            return pd.read_excel(path, dtype=str)
        return pd.read_csv(path, dtype=str, sep=None, engine="python")
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise CorpusError(f"cannot read {path}: {error}") from error
