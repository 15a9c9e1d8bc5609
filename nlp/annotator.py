"""Everything NLP needs for one post, loaded once: lemmas, classifiers, the resolver."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from models.annotation import PostAnnotation
from nlp.address import Address, AddressParser
from nlp.classifier import ClassifierBundle, Prediction, load_bundle
from nlp.coldstart import cold_start_bundle
from nlp.cues import cue_words as cues_in_text
from nlp.gazetteer import Gazetteer
from nlp.ner import LocationTagger
from nlp.resolver import MunicipalityResolver, Resolution
from nlp.text import clean_text, has_letters

MAX_CUE_CHARS = 3_000  # the classifier reads no further (nlp.features.MAX_FEATURE_CHARS)
MAX_ADDRESSES = 3  # kept per post; a longer list is a digest, not one place
MAX_ADDRESS_CHARS = 3_000  # addresses are named early, like places


@dataclass
class Annotator:
    bundle: ClassifierBundle
    resolver: MunicipalityResolver
    model_version_id: int | None = None
    addresses: AddressParser = field(init=False)

    def __post_init__(self) -> None:
        gazetteer = self.resolver.gazetteer
        self.addresses = AddressParser(gazetteer.lemmatizer, is_place=gazetteer.names_place)

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
        lemmatizer = self.resolver.gazetteer.lemmatizer
        predictions = iter(self.bundle.predict(readable, lemmatizer))
        out = []
        for text, ok, prior in zip(texts, has_words, priors, strict=True):
            place = self.resolver.resolve(text, prior_id=prior)
            if not ok:
                out.append(_wordless(place))
                continue
            prediction = next(predictions)
            found = self.addresses.parse(text[:MAX_ADDRESS_CHARS])[:MAX_ADDRESSES]
            reasons = _place_reasons(place) | _address_reasons(found)
            if prediction.is_signal and prediction.cues:
                # what the console highlights: the post's own words behind its topic
                reasons["cues"] = cues_in_text(text[:MAX_CUE_CHARS], prediction.cues, lemmatizer)
                reasons["cue_lemmas"] = list(prediction.cues)
            if prediction.is_signal and prediction.alternatives:
                # the console offers them as one-click corrections of the topic
                reasons["alternatives"] = [
                    {"topic": topic, "category": category, "confidence": share}
                    for topic, category, share in prediction.alternatives
                ]
            out.append(_annotation(prediction, place, reasons, address_key(found)))
        return out


def address_key(found: list[Address]) -> str | None:
    """The annotation's address key: the posts' distinct keys, "; "-joined."""
    keys = [a.key for a in found if a.key is not None]
    return "; ".join(keys)[:300] or None


def _address_reasons(found: list[Address]) -> dict[str, object]:
    if not found:
        return {}
    return {
        "addresses": [
            {"key": a.key, "span": a.span[:120], **({"problem": a.problem} if a.problem else {})}
            for a in found
        ]
    }


def _annotation(
    prediction: Prediction, place: Resolution, reasons: dict[str, object], key: str | None
) -> PostAnnotation:
    fields = _place_fields(place) | {"reasons": reasons, "address_key": key}
    return PostAnnotation(
        is_signal=prediction.is_signal,
        signal_confidence=prediction.signal_confidence,
        category_code=prediction.category,
        category_confidence=prediction.category_confidence,
        topic_code=prediction.topic,
        topic_confidence=prediction.topic_confidence,
        **fields,
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
        "reasons": _place_reasons(place),
    }


def _place_reasons(place: Resolution) -> dict[str, object]:
    """Why the municipality is what it is: the method, the matched span, or why none."""
    return {"municipality_method": place.method, "municipality_why": place.why}
