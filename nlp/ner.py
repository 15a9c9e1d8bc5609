"""natasha's NER, adapted at once into our own small records (LOC spans only)."""

from dataclasses import dataclass

from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter
from threadpoolctl import ThreadpoolController


@dataclass(frozen=True, slots=True)
class LocationSpan:
    text: str
    start: int
    stop: int


class LocationTagger:
    """natasha's news NER model, loaded once (about a second) and passed in. `embedding`: the
    navec word vectors it reads, shared with whatever else needs them (`nlp.vectors`)."""

    def __init__(self) -> None:
        self._segmenter = Segmenter()
        self.embedding = NewsEmbedding()
        self._tagger = NewsNERTagger(self.embedding)
        self._blas = ThreadpoolController()

    def locations(self, text: str) -> list[LocationSpan]:
        doc = Doc(text)
        doc.segment(self._segmenter)
        # slovnet's convolutions are tiny matrix products: OpenBLAS threads only spin on them
        # (27 ms of CPU per window with two threads on a busy machine, 4 ms with one).
        with self._blas.limit(limits=1, user_api="blas"):
            doc.tag_ner(self._tagger)
        return [adapt_span(span) for span in doc.spans if span.type == "LOC"]


def adapt_span(span: object) -> LocationSpan:
    return LocationSpan(span.text, span.start, span.stop)  # type: ignore[attr-defined]
