"""Why the model chose a label: the post's lemma n-grams that pushed it there most.

A linear model's score for a label is the sum, over the post's features, of the feature's
TF-IDF value times its weight for that label; divided by the model's temperature, that is
each feature's push on the label's log-probability. The lemma 1–2-grams with the largest
positive push are the cues a moderator sees highlighted (character n-grams are left out:
they are not words). The console highlights the words of the post whose lemmas they are.
"""

import re
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from nlp.calibrated import CalibratedSVM
from nlp.lemmas import Lemmatizer

MAX_CUES = 3
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")  # letters, and hyphenated words whole
MIN_WORD_CHARS = 3  # "на", "не" in a cue bigram are not worth highlighting on their own
# Function words say nothing to a moderator even when the model leans on them: prepositions,
# conjunctions, particles, interjections, pronouns ("что", "для", "все", "этот", "там").
_FUNCTION_POS = frozenset({"PREP", "CONJ", "PRCL", "INTJ", "NPRO"})
_FUNCTION_GRAMMEMES = frozenset({"Apro", "Dmns", "Ques"})


def label_cues(
    matrix: sp.csr_matrix,
    row: int,
    *,
    members: Sequence[tuple[CalibratedSVM, float]],
    column: int,
    names: np.ndarray,
) -> list[str]:
    """Up to `MAX_CUES` lemma n-grams of `row` that raise label `column` the most.

    `members` are the label model's members with their weights in the ensemble; `names` are
    the word features' names, which are the first `len(names)` columns.
    """
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    columns = matrix.indices[start:end]
    values = matrix.data[start:end]
    is_word = columns < len(names)
    columns, values = columns[is_word], values[is_word]
    if not len(columns):
        return []
    push = np.zeros(len(columns))
    for member, share in members:
        weights, _ = member.weights()
        if weights.shape[1] == 1:  # binary: one margin, split ± between the two labels
            label_weights = weights[columns, 0] * (0.5 if column == 1 else -0.5)
        else:
            label_weights = weights[columns, column]
        push += share * values * label_weights / member.temperature
    best = np.argsort(-push, kind="stable")[:MAX_CUES]
    return [str(names[columns[k]]) for k in best if push[k] > 0]


def cue_words(text: str, cues: Iterable[str], lemmatizer: Lemmatizer) -> list[str]:
    """The words of `text`, as written, whose lemma is in one of the cues; no function words."""
    wanted = {lemma for cue in cues for lemma in cue.split()}
    found: list[str] = []
    for word in _WORD.findall(text):
        if len(word) < MIN_WORD_CHARS or word in found or lemmatizer.lemma(word) not in wanted:
            continue
        if not _is_function_word(word, lemmatizer):
            found.append(word)
    return found


def _is_function_word(word: str, lemmatizer: Lemmatizer) -> bool:
    parses = lemmatizer.parses(word.lower())
    if not parses:
        return False
    tag = parses[0].tag
    return tag.POS in _FUNCTION_POS or not _FUNCTION_GRAMMEMES.isdisjoint(tag.grammemes)
