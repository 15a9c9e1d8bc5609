"""The NLP and triage stages on a thread of an administration's page: the page's own items,
residents' comments, a short reply, an orphan reply and the page's public answer."""

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from models.annotation import Annotation
from models.incident import IncidentPost
from models.post import AuthorKind, Post, PostCreate, ThreadPosition
from models.post_store import store_posts
from models.source import Source, SourceKind
from nlp.annotator import Annotator
from nlp.classifier import ClassifierBundle
from nlp.resolver import MunicipalityResolver
from nlp.seed import seed_reference_data
from nlp.social import SOCIAL_MODEL_FILE, load_social_model
from nlp.stage import annotate_posts
from otklik.paths import DATA_DIR
from triage.answers import answer_summary, public_answers
from triage.stage import triage_posts
from triage.thresholds import Thresholds

START = datetime(2024, 1, 5, 9, tzinfo=UTC)
COMPLAINT = "Во дворе дома на Ленина, 5 третью неделю не вывозят мусор, контейнеры переполнены"


def _item(number: int, text: str, author: AuthorKind, position: ThreadPosition,
          parent: str | None) -> PostCreate:  # fmt: skip
    return PostCreate(external_id=f"-1_10_{number}" if number else "-1_10", text=text,
                      text_original=text, author_kind=author, thread_position=position,
                      parent_external_id=parent,
                      published_at=START + timedelta(minutes=number))  # fmt: skip


def test_a_thread_on_an_administrations_page(
    session: Session, cold_bundle: ClassifierBundle, resolver: MunicipalityResolver
) -> None:
    seed_reference_data(session, data_dir=DATA_DIR, region_code="57")
    annotator = Annotator(cold_bundle, resolver, social=load_social_model(
        DATA_DIR / SOCIAL_MODEL_FILE))  # fmt: skip
    source = Source(kind=SourceKind.VK_DUMP, name="Администрация Лысьвенского округа",
                    target="wall.json")  # fmt: skip
    session.add(source)
    session.commit()
    post, comment, reply = ThreadPosition.POST, ThreadPosition.COMMENT, ThreadPosition.REPLY
    stored = store_posts(session, source_id=source.id or 0, posts=[
        _item(0, "Приглашаем всех жителей на праздник в парке", AuthorKind.SOURCE, post, None),
        _item(11, COMPLAINT, AuthorKind.PERSON, comment, "-1_10"),
        _item(12, "Информация передана в управляющую компанию", AuthorKind.SOURCE, reply,
              "-1_10_11"),
        _item(13, "у нас тоже", AuthorKind.PERSON, reply, "-1_10_11"),
        _item(14, "так и не убрали", AuthorKind.UNKNOWN, reply, "-1_99_4"),  # never fetched
    ])  # fmt: skip
    session.commit()
    ids = dict(zip(["own", "complaint", "answer", "short", "orphan"], stored.new_ids, strict=True))

    annotate_posts(session, annotator=annotator, post_ids=stored.new_ids)
    session.refresh(source)
    assert (source.role, source.role_guessed) == ("authority", True)
    notes = {a.post_id: a for a in session.exec(select(Annotation))}
    assert notes[ids["own"]].reasons["structure"] == "authority_post"
    assert notes[ids["answer"]].reasons["structure"] == "page_reply"
    assert notes[ids["orphan"]].reasons["structure"] == "orphan_short_reply"
    assert not any(notes[ids[k]].is_signal for k in ("own", "answer", "orphan"))
    assert notes[ids["complaint"]].is_signal is True
    assert notes[ids["short"]].reasons["read_with_parent"] is True
    assert notes[ids["short"]].reasons["parent_post_id"] == ids["complaint"]
    answer = session.get(Post, ids["answer"])
    assert answer is not None and answer.answer_to_post_id == ids["complaint"]

    triage_posts(session, post_ids=stored.new_ids, thresholds=Thresholds())
    links = {link.post_id: link for link in session.exec(select(IncidentPost))}
    assert links[ids["short"]].incident_id == links[ids["complaint"]].incident_id
    assert links[ids["short"]].reason["rule"] == "reply_to_parent"
    assert ids["own"] not in links and ids["answer"] not in links
    answers = public_answers(session, post_ids=[ids["complaint"]])
    assert [a.id for a in answers[ids["complaint"]]] == [ids["answer"]]
    summary = answer_summary(session, since=START, until=START + timedelta(days=1))
    assert summary.answered == 1 and summary.signals >= 1


def test_adverts_are_stored_and_decided_by_their_mark(
    session: Session, cold_bundle: ClassifierBundle, resolver: MunicipalityResolver
) -> None:
    """An item the network marked as an advert, or carrying the law's ad token, is stored and
    searchable but never a signal, whatever its words; the same words unmarked are one."""
    seed_reference_data(session, data_dir=DATA_DIR, region_code="57")
    annotator = Annotator(cold_bundle, resolver, social=load_social_model(
        DATA_DIR / SOCIAL_MODEL_FILE))  # fmt: skip
    source = Source(kind=SourceKind.VK_DUMP, name="Подслушано Лысьва", target="wall.json")
    session.add(source)
    session.commit()
    person, post = AuthorKind.PERSON, ThreadPosition.POST
    marked = _item(1, COMPLAINT, person, post, None).model_copy(update={"is_ad": True})
    token = _item(2, f"{COMPLAINT}. Реклама. Erid: 4XqAbCdEf7", person, post, None)
    plain = _item(3, COMPLAINT, person, post, None)
    stored = store_posts(session, source_id=source.id or 0, posts=[marked, token, plain])
    session.commit()

    annotate_posts(session, annotator=annotator, post_ids=stored.new_ids)
    notes = {a.post_id: a for a in session.exec(select(Annotation))}
    ad, tokened, complaint = (notes[i] for i in stored.new_ids)
    assert (ad.is_signal, ad.reasons["structure"]) == (False, "advert")
    assert (tokened.is_signal, tokened.reasons["structure"]) == (False, "advert")
    assert complaint.is_signal is True and "structure" not in complaint.reasons
