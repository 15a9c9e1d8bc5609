"""Which problems are "related" for grouping: the same topic, or categories people confuse.

A resident's «опять нет света» may be classed ЖКХ or Электроснабжение, by the model and by
moderators alike; grouping treats such a pair as one problem when the place is the same.
Where no place is shared, words alone join only the same problem (`same_problem`): the same
topic, the same category, or one problem the taxonomy names in both categories of a pair
(`TWIN_TOPICS`: «Освещение дороги…» / «Неисправные фонари…»).
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


# The same problem under both categories of a confused pair in the shipped taxonomy: a dark
# street is roads_lighting or amenities_lighting, whoever reads it.
TWIN_TOPICS: frozenset[frozenset[str]] = frozenset(
    frozenset(pair)
    for pair in (
        ("roads_lighting", "amenities_lighting"),
        ("roads_sidewalks", "amenities_sidewalks"),
        ("roads_cleaning", "amenities_cleaning"),
        ("roads_flooding", "amenities_flooding"),
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


def same_problem(
    *,
    topic: str | None,
    category: str | None,
    other_topic: str | None,
    other_category: str | None,
) -> bool:
    """Whether two posts may be one problem on their words alone, with no place in common:
    the same category (or one unknown), or twin topics of a confused pair. A snow-covered
    yard (amenities) and a dead traffic light (roads) in one town are two problems, however
    alike the words of two posts from there."""
    if not category or not other_category or category == other_category:
        return True
    return bool(topic and other_topic and frozenset((topic, other_topic)) in TWIN_TOPICS)
