"""An ensemble computes its members' scores in one product with their weights side by side:
the probabilities are bit for bit those of each member alone (issue #13, annotate speed)."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from nlp.ensemble import LinearEnsemble


def _data(classes: int) -> tuple[sp.csr_matrix, list[str]]:
    rng = np.random.default_rng(classes)
    features = sp.random(120, 400, density=0.05, format="csr", random_state=classes)
    features.data = rng.random(features.nnz)  # non-negative, as TF-IDF (naive Bayes needs it)
    labels = [str(i % classes) for i in range(120)]
    return normalize(features), labels


@pytest.mark.parametrize(("preset", "classes"), [("topics", 5), ("labels", 4), ("labels", 2)])
def test_one_product_gives_each_members_own_probabilities(preset: str, classes: int) -> None:
    features, labels = _data(classes)
    ensemble = LinearEnsemble(seed=3, preset=preset).fit(features, labels)
    alone = pickle.loads(pickle.dumps(ensemble))  # members with their own weights, unshared
    total = sum(weight * member.predict_proba(features)
                for member, weight in alone.weighted_members())  # fmt: skip
    expected = total / sum(alone.member_weights)
    together = ensemble.predict_proba(features)
    assert together.shape == (120, classes)
    assert np.array_equal(together, expected)
    # the members now read their weights from the ensemble's one copy, and still agree
    for mine, theirs in zip(ensemble.members, alone.members, strict=True):
        assert np.array_equal(mine.weights()[0], theirs.weights()[0])
        assert np.array_equal(mine.predict_proba(features), theirs.predict_proba(features))
    assert "_side_by_side" not in pickle.loads(pickle.dumps(ensemble)).__dict__
