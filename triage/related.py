"""Which problems are "related" for grouping: the same topic, or categories people confuse.

A resident's «опять нет света» may be classed ЖКХ or Электроснабжение, by the model and by
moderators alike; grouping treats such a pair as one problem when the place is the same.
The pairs come from the classifier's confusion matrix on the project's seed examples
(`python -m benchmarks.category_confusion`; BENCHMARKS.md, "Grouping"). Rule: among the
place-bound categories (a problem of one house or street: housing, electricity, gas, roads,
amenities, waste), every pair whose mutual confusion share — (a read as b + b read as a) /
(examples of a + examples of b), 5-fold — is at least 2 %. Measured 2026-11-30 (share):
"""

CONFUSED_CATEGORIES: frozenset[frozenset[str]] = frozenset(
    frozenset(pair)
    for pair in (
        ("amenities", "roads"),  # 0.113: a pothole in a yard or on a street
        ("electricity", "gas"),  # 0.071
        ("electricity", "housing"),  # 0.045: «опять нет света» in a block of flats
        ("roads", "waste"),  # 0.029
        ("housing", "roads"),  # 0.027
        ("housing", "waste"),  # 0.025
        ("gas", "housing"),  # 0.022
    )
)


def related_categories(category: str | None) -> set[str]:
    """The category itself and every category it is confused with."""
    if category is None:
        return set()
    return {category} | {c for pair in CONFUSED_CATEGORIES if category in pair for c in pair}


def related_problem(
    *,
    topic: str | None,
    category: str | None,
    other_topic: str | None,
    other_category: str | None,
) -> str | None:
    """Why two problems are one ("same topic", "confused categories"), or None."""
    if topic is not None and topic == other_topic:
        return "same topic"
    if category and other_category and frozenset((category, other_category)) in CONFUSED_CATEGORIES:
        return "confused categories"
    return None
