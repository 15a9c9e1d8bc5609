from collections.abc import Callable

import pytest

from nlp.lemmas import Lemmatizer


@pytest.fixture(scope="session")
def lemmatizer() -> Lemmatizer:
    """NLP's lemmatizer, loaded once for the session."""
    return Lemmatizer()


@pytest.fixture(params=["stems", "lemmas"])
def lemmatize(request: pytest.FixtureRequest) -> Callable[[str], str] | None:
    """Grouping compares words' crude stems (no lemmatizer) or their lemmas; both must group
    the same way."""
    if request.param == "stems":
        return None
    return request.getfixturevalue("lemmatizer").lemmatize_text  # type: ignore[no-any-return]
