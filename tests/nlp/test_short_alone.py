"""A short text read alone on a page of unknown role: chatter held back with its reason, a
problem, an address or a place in a few words still left to the model."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models.annotation import Annotation, PostContext
from models.post import AuthorKind, Post, PostCreate, ReviewStatus, ThreadPosition
from models.post_store import store_posts
from models.source import Source, SourceKind
from nlp.annotator import Annotator
from nlp.classifier import ClassifierBundle
from nlp.problem_cue import names_address, names_problem
from nlp.resolver import MunicipalityResolver
from nlp.seed import seed_reference_data
from nlp.social import SOCIAL_MODEL_FILE, load_social_model
from nlp.stage import annotate_posts
from nlp.structure import REASONS, structural_verdict
from otklik.paths import DATA_DIR
from triage.queue import QueueFilters, review_queue
from triage.stage import triage_posts
from triage.thresholds import Thresholds

UNKNOWN_COMMENT = PostContext(position="comment")
UNKNOWN_POST = PostContext()
ORPHAN_UNKNOWN = PostContext(position="reply", parent_missing=True)
# chatter the shipped model scored above the unknown-role comments' threshold (0.06)
CHATTER = ["Иду домой по улице", "Снег идёт", "Вода в реке тёплая", "А на улице дождик",
           "Ремонт подъезда сделали"]  # fmt: skip
PROBLEMS = [
    "Свет отключили вчера вечером",  # a utility and its loss, in either order
    "Воды нет с самого утра",
    "У кого ещё нет газа?",  # an echo of a shared problem, in words
    "Яма у второго подъезда",  # a thing broken
    "Во дворе сплошной гололёд",
    "Контейнеры полные, не вывозят",
    "Опять холодно в квартире",  # a complaint cue («опять») and cold
    "Почините фонарь во дворе",  # a demand
    "Требуется ремонт качелей",
    "ДТП на перекрёстке",  # an urgency cue
]
PLACES = ["Ленина 15", "ул. Мира, 3", "Около дома 83", "А на Садовой темно", "Опять по Лесной"]


@pytest.mark.parametrize("context", [UNKNOWN_COMMENT, UNKNOWN_POST, ORPHAN_UNKNOWN])
@pytest.mark.parametrize("text", CHATTER)
def test_chatter_read_alone_on_a_page_of_unknown_role_is_held_back(
    context: PostContext, text: str
) -> None:
    verdict = structural_verdict(context, text)
    assert verdict is not None and (verdict.is_signal, verdict.reason) == (False, "short_alone")
    assert "short_alone" in REASONS


@pytest.mark.parametrize("text", PROBLEMS + PLACES)
def test_a_few_words_naming_a_problem_or_a_place_are_left_to_the_model(text: str) -> None:
    """Guards the rule's exception: these reached the model before and still do."""
    assert structural_verdict(UNKNOWN_COMMENT, text) is None, text
    assert structural_verdict(UNKNOWN_POST, text) is None, text


@pytest.mark.parametrize(
    ("text", "address"),
    [("Ленина 15", True), ("ул. Мира, 3", True), ("у 44 дома", True), ("на Садовой", True),
     ("На 9 дней уехали", False), ("Снег идёт", False), ("Вода в реке тёплая", False)],
)  # fmt: skip
def test_address_shapes(text: str, address: bool) -> None:
    assert names_address(text) is address
    assert names_problem(text) is address  # none of them names a problem by its words


@pytest.mark.parametrize(
    "context",
    [
        PostContext(position="comment", source_role="authority"),
        PostContext(position="comment", source_role="media"),
        PostContext(position="post", source_role="residents"),
        PostContext(position="reply", parent_text="Когда расчистят снег у дома на Ленина, 5?"),
    ],
)
@pytest.mark.parametrize("text", CHATTER)
def test_known_roles_and_texts_read_with_a_parent_keep_the_old_decision(
    context: PostContext, text: str
) -> None:
    """Guards existing behaviour: the rule is for pages of unknown role, texts read alone."""
    assert structural_verdict(context, text) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Иду домой по улице, а навстречу мне знакомый сосед", None),  # over five words
        ("😀😀😀", None),  # wordless: the annotator's own reasons (emoji_only)
        ("Продам гараж, звоните 8 912 000-00-00", "commercial_offer"),  # the advert's reason
    ],
)
def test_long_wordless_and_advert_texts_keep_their_own_decisions(
    text: str, reason: str | None
) -> None:
    verdict = structural_verdict(UNKNOWN_COMMENT, text)
    assert (verdict.reason if verdict else None) == reason


@pytest.fixture(scope="module")
def social_annotator(cold_bundle: ClassifierBundle, resolver: MunicipalityResolver) -> Annotator:
    return Annotator(cold_bundle, resolver, social=load_social_model(DATA_DIR / SOCIAL_MODEL_FILE))


def test_the_annotation_says_why(social_annotator: Annotator) -> None:
    """The shipped model alone passed this chatter to moderators; now the structure holds it
    back, certain, with its reason, and the problem beside it is still the model's."""
    chatter, problem = social_annotator.annotate(
        ["Иду домой по улице", "Свет отключили вчера вечером"],
        contexts=[UNKNOWN_COMMENT, UNKNOWN_COMMENT],
    )
    assert (chatter.is_signal, chatter.signal_confidence) == (False, 1.0)
    assert chatter.reasons["structure"] == "short_alone"
    assert "structure" not in problem.reasons and "signal_probability" in problem.reasons
    assert problem.is_signal is True


def _comment(number: int, text: str) -> PostCreate:
    published = datetime(2024, 3, 1, 9, tzinfo=UTC) + timedelta(minutes=number)
    return PostCreate(external_id=f"-7_1_{number}", text=text, text_original=text,
                      author_kind=AuthorKind.PERSON, thread_position=ThreadPosition.COMMENT,
                      parent_external_id="-7_1", published_at=published)  # fmt: skip


def test_held_back_chatter_stays_stored_and_searchable(
    session: Session, social_annotator: Annotator, tmp_path: Path
) -> None:
    seed_reference_data(session, data_dir=DATA_DIR, region_code="57")
    source = Source(kind=SourceKind.VK_DUMP, name="Заметки", target=str(tmp_path / "w.json"))
    session.add(source)
    session.commit()
    posts = [_comment(1, "Снег идёт"), _comment(2, "Воды нет с самого утра")]
    stored = store_posts(session, source_id=source.id or 0, posts=posts)
    session.commit()
    chatter, problem = stored.new_ids
    annotate_posts(session, annotator=social_annotator, post_ids=stored.new_ids)
    session.refresh(source)
    assert source.role is None  # a page of unknown role
    notes = {a.post_id: a for a in session.exec(select(Annotation))}
    assert notes[chatter].reasons["structure"] == "short_alone"
    assert "structure" not in notes[problem].reasons

    triage_posts(session, post_ids=stored.new_ids, thresholds=Thresholds())
    held = session.get(Post, chatter)
    assert held is not None and held.review_status == ReviewStatus.NOT_SIGNAL
    found = review_queue(
        session, filters=QueueFilters(review_statuses=(ReviewStatus.NOT_SIGNAL,), text="снег")
    )
    assert [item.post_id for item in found.items] == [chatter]
