"""Everything NLP needs for one post, loaded once: lemmas, classifiers, the resolver."""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from models.annotation import PostAnnotation, PostContext
from nlp.address import MAX_ADDRESS_CHARS, Address, AddressParser
from nlp.classifier import ClassifierBundle, Prediction, load_bundle
from nlp.coldstart import cold_start_bundle
from nlp.cues import cue_words as cues_in_text
from nlp.features import analyse, prepare
from nlp.gazetteer import Gazetteer
from nlp.ner import LocationTagger
from nlp.places import street_or_yard
from nlp.resolver import MAX_RESOLVE_CHARS, MunicipalityResolver, Resolution
from nlp.social import (
    CATEGORY_WEIGHT,
    SOCIAL_CATEGORIES_FILE,
    SOCIAL_MODEL_FILE,
    SignalFeatures,
    SocialCategoryModel,
    SocialSignalModel,
    load_category_model,
    load_social_model,
)
from nlp.structure import Verdict, structural_verdict, with_parent
from nlp.text import clean_text, has_letters
from nlp.text import words as split_words
from nlp.vectors import TextVectors

_LINK = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:ru|com|рф|org|net|me)/?\S*", re.I)
MAX_CUE_CHARS = 3_000  # the classifier reads no further (nlp.features.MAX_FEATURE_CHARS)
MAX_ADDRESSES = 3  # kept per post; a longer list is a digest, not one place
WORDS_CHARS = 4_000  # a text with no letter in its head is wordless


@dataclass
class Annotator:
    bundle: ClassifierBundle
    resolver: MunicipalityResolver
    model_version_id: int | None = None
    # The shipped social-media signal model (data/social_signal.npz); a bundle's own
    # fine-tuned one takes precedence. None: the bundle's signal model decides alone.
    social: SocialSignalModel | None = None
    # Categories learned from real signals in residents' words (data/social_categories.npz),
    # averaged into the bundle's own category probabilities.
    categories: SocialCategoryModel | None = None
    # `nlp.gazetteer.gazetteer_stamp` of the tables the resolver's gazetteer was read from
    gazetteer_stamp: tuple[int, ...] = ()
    # The texts' navec vectors for a category model that reads them (over the embedding the
    # NER tagger loaded); None: such a model reads the words alone.
    vectors: TextVectors | None = None
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
        shipped = data_dir / SOCIAL_MODEL_FILE
        social = load_social_model(shipped) if shipped.is_file() else None
        words = data_dir / SOCIAL_CATEGORIES_FILE
        categories = load_category_model(words) if words.is_file() else None
        resolver = MunicipalityResolver(gazetteer, tagger)
        vectors = TextVectors(tagger.embedding) if tagger is not None else None
        return cls(bundle, resolver, model_version_id, social, categories, vectors=vectors)

    def with_gazetteer(self, gazetteer: Gazetteer, stamp: tuple[int, ...]) -> "Annotator":
        """The same models reading places from `gazetteer` (read when the tables had `stamp`):
        new places without reloading the models."""
        resolver = MunicipalityResolver(gazetteer, self.resolver.tagger)
        return replace(self, resolver=resolver, gazetteer_stamp=stamp)

    def signal_model(self) -> SocialSignalModel | None:
        """The bundle's fine-tuned social signal model, else the shipped one."""
        return getattr(self.bundle, "social_signal", None) or self.social

    def annotate(
        self,
        texts: Sequence[str],
        *,
        priors: Sequence[int | None] | None = None,
        contexts: Sequence[PostContext] | None = None,
        places: Sequence[str | None] | None = None,
    ) -> list[PostAnnotation]:
        """One annotation per text; `priors` are the sources' own municipalities, `contexts`
        what is known of each item's author and thread (default: a resident's post), `places`
        the municipalities a person stated (an operator's choice): a known one is the post's
        place whatever the text names; the text still decides the rest."""
        priors = priors if priors is not None else [None] * len(texts)
        places = places if places is not None else [None] * len(texts)
        contexts = contexts if contexts is not None else [PostContext()] * len(texts)
        verdicts = [structural_verdict(c, t) for c, t in zip(contexts, texts, strict=True)]
        read = [with_parent(c, t) for c, t in zip(contexts, texts, strict=True)]
        # each text cleaned and split into words once, for the resolver and the classifiers
        cleaned = [clean_text(text) for text in read]
        tokens = [split_words(text[:MAX_RESOLVE_CHARS]) for text in cleaned]
        has_words = [
            has_letters(
                clean
                if text is own and len(text) <= WORDS_CHARS
                else clean_text(text[:WORDS_CHARS])
            )
            for text, own, clean in zip(texts, read, cleaned, strict=True)
        ]
        todo = [i for i, ok in enumerate(has_words) if ok and verdicts[i] is None]
        lemmatizer = self.resolver.gazetteer.lemmatizer
        prepared = prepare([read[i] for i in todo], lemmatizer, cleaned=[cleaned[i] for i in todo],
                           tokens=[tokens[i] for i in todo])  # fmt: skip
        # each own text's addresses parsed once: for the annotation, and for the street / yard
        # side of a text read without a parent
        parsed = {i: self.addresses.parse(texts[i][:MAX_ADDRESS_CHARS]) for i in todo}
        own = [parsed[i] if read[i] is texts[i] else None for i in todo]
        predictions = iter(
            self._predict([read[i] for i in todo], prepared, [contexts[i] for i in todo], own)
        )
        out = []
        for i, (text, ok, prior) in enumerate(zip(texts, has_words, priors, strict=True)):
            given = self.resolver.given(places[i])
            place = given or self.resolver.resolve(
                read[i], prior_id=prior, cleaned=cleaned[i], tokens=tokens[i]
            )
            verdict = verdicts[i]
            if verdict is not None:
                out.append(_structural(place, verdict))
                continue
            if not ok:
                out.append(_wordless(place, text))
                continue
            prediction, p_signal = next(predictions)
            found = parsed[i][:MAX_ADDRESSES]
            reasons = (
                _place_reasons(place)
                | _signal_reasons(p_signal, contexts[i], text, read[i])
                | _address_reasons(found)
            )
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

    def _predict(
        self,
        texts: list[str],
        prepared: list[tuple[str, str]],
        contexts: list[PostContext],
        found: Sequence[Sequence[Address] | None] | None = None,
    ) -> list[tuple[Prediction, float | None]]:
        """The bundle's labels, the signal decided by the social model (when there is one);
        `prepared`: the `texts` through `nlp.features.prepare`; `found`: each text's
        addresses when already parsed (None: parsed when needed)."""
        model = self.signal_model()
        if (model is None and self.categories is None) or not prepared:
            predictions = self.bundle.predict_prepared(prepared)
            return [(p, None) for p in predictions]
        # n-grams once: hashed for the social models, counted for the bundle's TF-IDF
        analysed = analyse(prepared)
        if model is not None:
            matrix, words = model.inputs(_features(), prepared, contexts, analysed)
        else:
            matrix = words = _features().transform(prepared, contexts, analysed=analysed,
                                                   group_words=False)  # fmt: skip
        hint = None
        if self.categories is not None:
            known = found if found is not None else [None] * len(texts)
            sides = [street_or_yard(lemmas, text, self.addresses, parsed)
                     for (lemmas, _), text, parsed in zip(prepared, texts, known,
                                                          strict=True)]  # fmt: skip
            dense = None
            if self.vectors is not None and self.categories.vector_weights is not None:
                dense = self.vectors.transform([lowered for _, lowered in prepared])
            categories = self.categories.probabilities(words, sides, dense)
            hint = (list(self.categories.classes), categories, CATEGORY_WEIGHT)
        if model is None:
            predictions = self.bundle.predict_prepared(
                prepared, category_hint=hint, analysed=analysed
            )
            return [(p, None) for p in predictions]
        probs = model.probabilities(matrix)
        predictions = self.bundle.predict_prepared(
            prepared, signal_probs=probs, threshold=model.thresholds(contexts), category_hint=hint,
            analysed=analysed,
        )  # fmt: skip
        return [(p, round(float(q), 4)) for p, q in zip(predictions, probs, strict=True)]


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


def _wordless(place: Resolution, text: str) -> PostAnnotation:
    """No words at all (empty, only emoji or links): not a signal, and certain of it."""
    return PostAnnotation(
        is_signal=False,
        signal_confidence=1.0,
        **_place_fields(place) | {"reasons": {"no_words": True, "structure": wordless_kind(text)}},
    )


EMPTY, LINK_ONLY, EMOJI_ONLY = "empty", "link_only", "emoji_only"
WORDLESS_KINDS = (EMPTY, LINK_ONLY, EMOJI_ONLY)  # `wordless_kind`'s answers


def wordless_kind(text: str) -> str:
    """Why a text has no words: empty, only links, or only emoji and symbols."""
    if not any(ch.isprintable() and not ch.isspace() for ch in text):
        return EMPTY  # nothing visible: blank, or zero-width characters only
    if _LINK.search(text) and not has_letters(clean_text(_LINK.sub(" ", text))):
        return LINK_ONLY
    return EMOJI_ONLY


def _structural(place: Resolution, verdict: Verdict) -> PostAnnotation:
    """Decided by who wrote it and where it sits: certain, with its reason."""
    return PostAnnotation(
        is_signal=verdict.is_signal,
        signal_confidence=1.0,
        **_place_fields(place) | {"reasons": {"structure": verdict.reason}},
    )


def _signal_reasons(
    p_signal: float | None, context: PostContext, text: str, read: str
) -> dict[str, object]:
    reasons: dict[str, object] = {}
    if p_signal is not None:
        reasons["signal_probability"] = p_signal
    if read != text:
        reasons["read_with_parent"] = True
    elif context.parent_missing:
        reasons["orphan_reply"] = True
    return reasons


_SIGNAL_FEATURES: list[SignalFeatures] = []


def _features() -> SignalFeatures:
    """The hashing features hold no state: one instance serves every annotator."""
    if not _SIGNAL_FEATURES:
        _SIGNAL_FEATURES.append(SignalFeatures())
    return _SIGNAL_FEATURES[0]


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
