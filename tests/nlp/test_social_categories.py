"""The real-signal category model and the portal appeals' prior mixed into it."""

import csv
import gzip
import json
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from benchmarks.social_signal import (
    APPEALS_PER_REASON,
    CATEGORY_BALANCED,
    STREET_OBJECTS,
    fit_category_model,
)
from models.annotation import PostContext
from nlp.features import prepare
from nlp.lemmas import Lemmatizer
from nlp.social import (
    SOCIAL_CATEGORIES_FILE,
    SignalFeatures,
    SocialCategoryModel,
    load_category_model,
)
from otklik.paths import DATA_DIR

ROOT = Path(__file__).resolve().parents[2]


def _model(classes: list[str], weights: list[list[float]]) -> SocialCategoryModel:
    """Weights on features 0..n-1 (rows: features, columns: classes), zero intercepts."""
    matrix = np.array(weights, dtype=np.float64)
    return SocialCategoryModel(
        np.array(classes), np.arange(matrix.shape[0], dtype=np.int32),
        matrix.astype(np.float16), np.zeros(len(classes)),
    )  # fmt: skip


OWN = _model(["amenities", "healthcare", "roads"], [[2.0, -2.0, 1.0], [0.0, 3.0, -1.0]])
PRIOR = _model(["amenities", "roads", "waste"], [[-3.0, 3.0, 0.0], [0.0, 0.0, 0.0]])
ROWS = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))


def test_without_a_prior_or_at_share_zero_the_model_is_its_own() -> None:
    alone = OWN.probabilities(ROWS)
    assert np.allclose(alone.sum(axis=1), 1)
    assert np.allclose(OWN.with_prior(PRIOR, 0.0).probabilities(ROWS), alone)


def test_the_prior_moves_mass_only_between_the_categories_both_know() -> None:
    alone = OWN.probabilities(ROWS)
    mixed = OWN.with_prior(PRIOR, 0.5).probabilities(ROWS)
    assert np.allclose(mixed.sum(axis=1), 1)
    # healthcare is unknown to the prior: untouched; waste is unknown to the model: ignored
    assert np.allclose(mixed[:, 1], alone[:, 1])
    # on the first row the model prefers amenities and the prior roads: the prior pulls
    assert alone[0, 0] > alone[0, 2] and mixed[0, 2] > alone[0, 2]
    assert np.isclose(mixed[0, 0] + mixed[0, 2], alone[0, 0] + alone[0, 2])
    # a larger share pulls further
    further = OWN.with_prior(PRIOR, 0.9).probabilities(ROWS)
    assert further[0, 2] > mixed[0, 2]


def test_a_saved_model_with_its_prior_loads_the_same(tmp_path: Path) -> None:
    model = OWN.with_prior(PRIOR, 0.4)
    loaded = load_category_model(model.save(tmp_path / "categories.npz"))
    assert loaded.prior is not None and loaded.prior_share == 0.4
    assert list(loaded.prior.classes) == list(PRIOR.classes)
    assert np.allclose(loaded.probabilities(ROWS), model.probabilities(ROWS))
    plain = load_category_model(OWN.save(tmp_path / "plain.npz"))
    assert plain.prior is None
    assert np.allclose(plain.probabilities(ROWS), OWN.probabilities(ROWS))


def test_the_shipped_model_holds_the_appeals_prior_and_tells_yards_from_streets(
    lemmatizer: Lemmatizer,
) -> None:
    model = load_category_model(DATA_DIR / SOCIAL_CATEGORIES_FILE)
    assert model.prior is not None and 0 < model.prior_share < 1
    assert {"amenities", "roads", "housing", "waste"} <= set(model.prior.classes.tolist())
    texts = [
        "Во дворе дома 12 не чистят снег, на внутридворовом проезде колея и лёд",
        "Огромные ямы на проезжей части улицы Седова, машины бьют колёса",
        "В парадной третий месяц не работает лифт и не моют лестницу",
        "Контейнерная площадка переполнена, мусор не вывозят неделю",
    ]
    matrix = SignalFeatures().transform(
        prepare(texts, lemmatizer), [PostContext()] * len(texts), structure=False
    )
    probs = model.probabilities(matrix)
    picked = [str(model.classes[i]) for i in probs.argmax(axis=1)]
    assert picked == ["amenities", "roads", "housing", "waste"]


def _codes() -> set[str]:
    taxonomy = json.loads((DATA_DIR / "taxonomy.json").read_text("utf-8"))
    return {c["code"] for c in taxonomy["categories"]}


def _labels(name: str) -> list[dict[str, str]]:
    with (ROOT / "benchmarks" / "labels" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_labelled_spb_appeal_row_follows_the_rubric(shared_data: Path) -> None:
    rows = _labels("spb_appeal_categories.csv")
    assert list(rows[0]) == ["file", "row", "category"]  # keyed by row: no text, no reason
    assert {r["file"] for r in rows} == {"appeals/spb_train.csv.gz"}
    assert {r["category"] for r in rows} <= _codes()  # final codes, street / yard resolved
    numbers = [int(r["row"]) for r in rows]
    assert numbers == sorted(set(numbers)) and len(rows) == 26136
    by_row = {int(r["row"]): r["category"] for r in rows}
    with gzip.open(shared_data / "appeals" / "spb_train.csv.gz", "rt", encoding="utf-8") as handle:
        data = list(csv.DictReader(handle))
    assert numbers[-1] < len(data)
    picked = {n: data[n] for n in numbers}
    # the rows the prior learns from: in file order, of a (group, reason) with a code, a text
    # no earlier labelled row has, at most APPEALS_PER_REASON of each reason
    coded = {(row["category"], row["reason"]) for row in picked.values()}
    seen: set[str] = set()
    taken: Counter[str] = Counter()
    for number, row in enumerate(data):
        text = row["text"].strip().lower()
        used = (row["category"], row["reason"]) in coded and bool(text) and text not in seen
        used = used and taken[row["reason"]] < APPEALS_PER_REASON
        assert used == (number in by_row), number
        if used:
            seen.add(text)
            taken[row["reason"]] += 1
    # a (group, reason) has one code, unless it splits into roads exactly on streets and
    # bridges and amenities elsewhere (the street-or-yard rule)
    codes: dict[tuple[str, str], set[str]] = {}
    for number, row in picked.items():
        codes.setdefault((row["category"], row["reason"]), set()).add(by_row[number])
    for pair, found in codes.items():
        assert len(found) == 1 or found == {"roads", "amenities"}, pair
    for number, row in picked.items():
        if len(codes[(row["category"], row["reason"])]) > 1:
            on_street = row["city_object"] in STREET_OBJECTS
            assert by_row[number] == ("roads" if on_street else "amenities"), number
    # a bridge's snow and surface are roads (README_labels_b.md), not amenities with the yards
    on_bridges = Counter(by_row[n] for n, row in picked.items() if row["city_object"] == "Мост")
    assert on_bridges["roads"] > 30 and not on_bridges["amenities"]


def test_every_cur_feed_row_has_its_directions_category(shared_data: Path) -> None:
    rows = _labels("spb_cur_directions.csv")
    assert list(rows[0]) == ["file", "row", "category"]  # keyed by row: no direction name
    assert {r["file"] for r in rows} == {"social/spb_cur_incidents_2022.csv"}
    assert {r["category"] for r in rows} <= _codes()
    with (shared_data / "social" / "spb_cur_incidents_2022.csv").open(encoding="utf-8") as handle:
        feed = list(csv.DictReader(handle))
    assert [int(r["row"]) for r in rows] == list(range(len(feed)))  # every row, in order
    codes: dict[str, set[str]] = {}
    for label, row in zip(rows, feed, strict=True):
        codes.setdefault(row["direction"], set()).add(label["category"])
    assert all(len(found) == 1 for found in codes.values())  # one code per direction
    assert len({next(iter(found)) for found in codes.values()}) >= 15


def test_every_labelled_kursk_row_has_a_taxonomy_category() -> None:
    codes = _codes()
    rows = _labels("kursk_appeal_categories.csv")
    assert list(rows[0]) == ["file", "row", "category"]  # keyed by row: no text, no theme
    assert len(rows) == 1942
    assert {r["file"] for r in rows} == {"appeals/kursk_train.csv"}
    assert {r["category"] for r in rows} <= codes
    assert len({int(r["row"]) for r in rows}) == len(rows)
    assert all(0 <= int(r["row"]) < 2000 for r in rows)
    # the categories the SPb reasons lack come from these rows
    assert {"transport", "trade", "sport", "heritage"} <= {r["category"] for r in rows}


def test_the_shipped_prior_knows_the_kursk_categories() -> None:
    model = load_category_model(DATA_DIR / SOCIAL_CATEGORIES_FILE)
    assert model.prior is not None
    assert {"transport", "trade", "sport", "heritage"} <= set(model.prior.classes.tolist())


def test_balanced_classes_give_a_rare_category_more_of_the_shared_words() -> None:
    # 30 signals of a common category and 3 of a rare one share word 0; word 1 is the rare
    # one's own, word 2 a third category's. On a text with word 0 and a trace of word 1,
    # balancing lifts the rare one.
    common, rare, third = [[1.0, 0.0, 0.0]] * 30, [[1.0, 1.0, 0.0]] * 3, [[0.0, 0.0, 1.0]] * 10
    matrix = sp.csr_matrix(np.array(common + rare + third))
    labels = ["amenities"] * 30 + ["trade"] * 3 + ["roads"] * 10
    query = sp.csr_matrix(np.array([[1.0, 0.3, 0.0]]))
    shares = {}
    for balanced in (False, True):
        model = fit_category_model(matrix, labels, seed_weight=0, balanced=balanced)
        shares[balanced] = model.probabilities(query)[0, list(model.classes).index("trade")]
    assert shares[True] > shares[False] + 0.05
    assert CATEGORY_BALANCED  # the shipped build balances the real-signal model's classes


def test_the_shipped_model_names_rare_categories_of_residents_complaints(
    lemmatizer: Lemmatizer,
) -> None:
    model = load_category_model(DATA_DIR / SOCIAL_CATEGORIES_FILE)
    texts = [
        "У выхода из метро каждый день незаконно торгуют с рук, стоят ларьки и лотки",
        "В нашем районе по ночам шумят и дерутся пьяные компании, нужна полиция",
    ]
    matrix = SignalFeatures().transform(
        prepare(texts, lemmatizer), [PostContext()] * len(texts), structure=False
    )
    picked = [str(model.classes[i]) for i in model.probabilities(matrix).argmax(axis=1)]
    assert picked == ["trade", "safety"]


def test_the_shipped_models_products_are_the_plain_ones(lemmatizer: Lemmatizer) -> None:
    """Weights converted once and columns picked through a table: the scores of
    `matrix[:, rows] @ weights` in float64, as computed before."""
    model = load_category_model(DATA_DIR / SOCIAL_CATEGORIES_FILE)
    texts = ["Во дворе не убирают мусор", "Яма на дороге у дома 5", "Нет отопления в школе"]
    matrix = SignalFeatures().transform(prepare(texts, lemmatizer), [PostContext()] * 3)
    for part in (model, model.prior):
        assert part is not None
        plain = np.asarray(matrix[:, part.rows] @ part.weights.astype(np.float64))
        scores = 1 / (1 + np.exp(-(plain + part.intercepts)))
        expected = scores / scores.sum(axis=1, keepdims=True)
        assert np.allclose(part._own(matrix), expected, rtol=1e-12, atol=0)
        assert np.allclose(part._own(matrix), expected, rtol=1e-12, atol=0)  # cached tables
    assert "_float64" not in model.__getstate__()
