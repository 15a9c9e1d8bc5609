from datetime import UTC, datetime

from sqlmodel import Session, select

from models.annotation import Annotation
from models.geo import Municipality
from models.post import PipelineStage, Post, PostCreate
from models.post_store import store_posts
from models.source import Source, SourceKind
from nlp.annotator import Annotator
from nlp.gazetteer import Gazetteer
from nlp.seed import seed_reference_data
from nlp.stage import annotate_posts
from otklik.paths import DATA_DIR


def _post(external_id: str, text: str) -> PostCreate:
    return PostCreate(external_id=external_id, text=text, text_original=text,
                      published_at=datetime(2024, 1, 5, tzinfo=UTC))  # fmt: skip


def test_annotate_posts_once_each_with_source_prior(
    session: Session, annotator: Annotator, gazetteer: Gazetteer
) -> None:
    added = seed_reference_data(session, data_dir=DATA_DIR, region_code="57")
    assert added["municipalities"] == 43
    again = seed_reference_data(session, data_dir=DATA_DIR, region_code="57")
    assert again == {"categories": 0, "topics": 0, "municipalities": 0}
    lysva = session.exec(
        select(Municipality).where(Municipality.name == "Лысьвенский городской округ")
    ).one()
    # The session-scoped annotator's gazetteer was built from the same file in the same
    # order, so ids agree.
    assert gazetteer.municipalities[lysva.id or 0] == lysva.name
    source = Source(kind=SourceKind.VK_WALL, name="Лысьва онлайн", target="-1",
                    municipality_id=lysva.id)  # fmt: skip
    session.add(source)
    session.commit()
    stored = store_posts(session, source_id=source.id or 0, posts=[
        _post("1", "Во дворе нет освещения, фонари не горят"),
        _post("2", "В Краснокамске прорвало трубу в подвале"),
        _post("3", "😀😀"),
    ])  # fmt: skip
    session.commit()

    done = annotate_posts(session, annotator=annotator, post_ids=stored.new_ids)
    assert done == stored.new_ids
    assert annotate_posts(session, annotator=annotator, post_ids=stored.new_ids) == []

    rows = {a.post_id: a for a in session.exec(select(Annotation))}
    assert len(rows) == 3
    first, second, third = (rows[i] for i in stored.new_ids)
    assert first.municipality_id == lysva.id and first.set_by == "model"
    assert first.topic_code == "amenities_lighting"
    assert second.municipality_span == "Краснокамске"
    assert second.municipality_id != lysva.id
    assert third.is_signal is False
    posts = session.exec(select(Post)).all()
    assert {p.stage for p in posts} == {PipelineStage.ANNOTATED}
