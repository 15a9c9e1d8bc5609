"""Everything NLP needs for one post, loaded once: lemmas, classifiers, the resolver."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from models.annotation import PostAnnotation
from nlp.classifier import ClassifierBundle, Prediction, load_bundle
from nlp.coldstart import cold_start_bundle
from nlp.gazetteer import Gazetteer
from nlp.ner import LocationTagger
from nlp.resolver import MunicipalityResolver, Resolution
from nlp.text import clean_text, has_letters


@dataclass
class Annotator:
    bundle: ClassifierBundle
    resolver: MunicipalityResolver
    model_version_id: int | None = None

    @classmethod
    def load(
        cls,
        model_dir: Path | None,
        *,
        gazetteer: Gazetteer,
        data_dir: Path,
        cache_dir: Path,
        tagger: LocationTagger | None = None,
        model_version_id: int | None = None,
    ) -> "Annotator":
        """The model in `model_dir`, or the cold-start one (trained and cached in `cache_dir`)."""
        lemmatizer = gazetteer.lemmatizer
        if model_dir is not None:
            bundle = load_bundle(model_dir)
        else:
            bundle = cold_start_bundle(data_dir, cache_dir=cache_dir, lemmatizer=lemmatizer)
        return cls(bundle, MunicipalityResolver(gazetteer, tagger), model_version_id)

    def annotate(
        self, texts: Sequence[str], *, priors: Sequence[int | None] | None = None
    ) -> list[PostAnnotation]:
        """One annotation per text; `priors` are the sources' own municipalities."""
        priors = priors if priors is not None else [None] * len(texts)
        has_words = [has_letters(clean_text(text[:4000])) for text in texts]
        readable = [text for text, ok in zip(texts, has_words, strict=True) if ok]
        predictions = iter(self.bundle.predict(readable, self.resolver.gazetteer.lemmatizer))
        out = []
        for text, ok, prior in zip(texts, has_words, priors, strict=True):
            place = self.resolver.resolve(text, prior_id=prior)
            out.append(_annotation(next(predictions), place) if ok else _wordless(place))
        return out


def _annotation(prediction: Prediction, place: Resolution) -> PostAnnotation:
    return PostAnnotation(
        is_signal=prediction.is_signal,
        signal_confidence=prediction.signal_confidence,
        category_code=prediction.category,
        category_confidence=prediction.category_confidence,
        topic_code=prediction.topic,
        topic_confidence=prediction.topic_confidence,
        **_place_fields(place),
    )


def _wordless(place: Resolution) -> PostAnnotation:
    """No words at all (empty, only emoji or links): not a signal, and certain of it."""
    return PostAnnotation(
        is_signal=False,
        signal_confidence=1.0,
        **_place_fields(place) | {"reasons": {"no_words": True}},
    )


def _place_fields(place: Resolution) -> dict[str, object]:
    return {
        "municipality_id": place.municipality_id,
        "municipality_confidence": place.confidence,
        "municipality_span": place.span[:300] if place.span else None,
        "reasons": {"municipality_method": place.method},
    }
