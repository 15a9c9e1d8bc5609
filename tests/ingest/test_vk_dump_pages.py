"""`otklik ingest vk-dump`: a page's wall file and its comments file are one source."""

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from sqlmodel import Session, select
from typer.testing import CliRunner

from dashboard.widgets import thread_address
from models.annotation import Annotation
from models.parents import parent_post
from models.post import PipelineStage, Post, PostSighting
from models.source import Source
from nlp.context import source_role
from otklik.cli import app
from otklik.runtime import get_engine
from triage.queue import QueueFilters, review_queue
from triage.stage import triage_posts
from triage.thresholds import Thresholds

runner = CliRunner()
DAY = 1_700_000_000


def _save(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"response": {"count": len(items), "items": items}}), "utf-8")
    return path


def _wall(path: Path, owner: int) -> Path:
    """A page's `wall.get`: two of its own posts."""
    return _save(path, [
        {"id": 10, "owner_id": owner, "from_id": owner, "date": DAY, "post_type": "post",
         "text": "Плановое отключение воды на улице Первой"},
        {"id": 11, "owner_id": owner, "from_id": owner, "date": DAY + 60, "post_type": "post",
         "text": "Ремонт дороги на улице Второй"},
    ])  # fmt: skip


def _comments(path: Path, owner: int) -> Path:
    """The same page's `wall.getComments` under its post 10, one of them the page's answer."""
    return _save(path, [
        {"id": 500, "owner_id": owner, "post_id": 10, "from_id": 7001, "date": DAY + 120,
         "text": "Второй день сидим без воды в доме"},
        {"id": 501, "owner_id": owner, "post_id": 10, "from_id": owner, "date": DAY + 180,
         "text": "Передали в управляющую компанию", "reply_to_comment": 500},
    ])  # fmt: skip


def _ingest(path: Path, *extra: str) -> None:
    done = runner.invoke(app, ["ingest", "vk-dump", str(path), "--no-annotate", *extra])
    assert done.exit_code == 0, done.output


def test_a_pages_wall_and_comments_files_are_one_source(configured: str, tmp_path: Path) -> None:
    _ingest(_wall(tmp_path / "wall_page.json", -500), "--source", "Страница")
    _ingest(_comments(tmp_path / "comments_page.json", -500), "--source", "Страница")
    listed = runner.invoke(app, ["sources", "list"]).output.splitlines()
    assert len(listed) == 1 and "Страница" in listed[0], listed
    with Session(get_engine()) as session:
        (source,) = session.exec(select(Source)).all()
        assert source.target == "-500"
        assert {post.source_id for post in session.exec(select(Post))} == {source.id}
        assert source.posts_fetched == 4


def test_the_same_file_again_and_without_a_name(configured: str, tmp_path: Path) -> None:
    """Re-importing a file finds its source; a comments file without `--source` still joins
    its page's source, keeping the name the page was first given."""
    wall = _wall(tmp_path / "wall_page.json", -500)
    _ingest(wall, "--source", "Страница")
    _ingest(wall, "--source", "Страница")
    _ingest(_comments(tmp_path / "comments_page.json", -500))
    listed = runner.invoke(app, ["sources", "list"]).output.splitlines()
    assert len(listed) == 1 and "Страница" in listed[0], listed


def test_different_pages_stay_different_sources(configured: str, tmp_path: Path) -> None:
    """Guards the old behaviour: two pages' walls are two sources."""
    _ingest(_wall(tmp_path / "wall_one.json", -500), "--source", "Первая")
    _ingest(_wall(tmp_path / "wall_two.json", -600), "--source", "Вторая")
    with Session(get_engine()) as session:
        sources = {source.name: source.id for source in session.exec(select(Source))}
        assert set(sources) == {"Первая", "Вторая"}
        owners = {post.source_id: post.external_id.split("_")[0]
                  for post in session.exec(select(Post))}  # fmt: skip
    assert owners == {sources["Первая"]: "-500", sources["Вторая"]: "-600"}


def test_the_role_guess_sees_the_comments_file_too(configured: str, tmp_path: Path) -> None:
    """The wall alone (only the page's own posts) looks like media; its comments file shows
    the page answering residents, as an administration does: the guess is made again."""
    _ingest(_wall(tmp_path / "wall_page.json", -500), "--source", "Страница")
    with Session(get_engine()) as session:
        (source,) = session.exec(select(Source)).all()
        assert source_role(session, source_id=source.id or 0) == "media"  # the NLP stage's
        session.commit()
    _ingest(_comments(tmp_path / "comments_page.json", -500), "--source", "Страница")
    listed = runner.invoke(app, ["sources", "list"]).output.splitlines()
    assert len(listed) == 1 and "role=authority (guessed)" in listed[0], listed


def test_an_operators_role_is_kept(configured: str, tmp_path: Path) -> None:
    """Guards the old behaviour: `--role` is the operator's, never guessed over."""
    _ingest(_wall(tmp_path / "wall_page.json", -500), "--source", "Страница", "--role", "media")
    _ingest(_comments(tmp_path / "comments_page.json", -500), "--source", "Страница")
    listed = runner.invoke(app, ["sources", "list"]).output.splitlines()
    assert "role=media" in listed[0] and "guessed" not in listed[0], listed


def test_a_search_across_pages_is_keyed_by_its_file(configured: str, tmp_path: Path) -> None:
    """A `newsfeed.search` file holds many pages: its source stays its file (guards the old
    behaviour), and a post it shares with a page's wall is stored once, seen by both."""
    _ingest(_wall(tmp_path / "wall_page.json", -500), "--source", "Страница")
    search = _save(tmp_path / "search.json", [
        {"id": 10, "owner_id": -500, "from_id": -500, "date": DAY, "post_type": "post",
         "text": "Плановое отключение воды на улице Первой"},
        {"id": 3, "owner_id": -700, "from_id": -700, "date": DAY, "post_type": "post",
         "text": "Новости района"},
    ])  # fmt: skip
    _ingest(search, "--source", "Поиск")
    with Session(get_engine()) as session:
        sources = {source.name: source for source in session.exec(select(Source))}
        assert sources["Поиск"].target == str(search.resolve())
        shared = session.exec(select(Post).where(Post.network_key == "vk:-500_10")).one()
        seen = session.exec(select(PostSighting).where(PostSighting.post_id == shared.id)).all()
        assert {sighting.source_id for sighting in seen} == {s.id for s in sources.values()}
        assert len(session.exec(select(Post)).all()) == 3


def test_a_source_keyed_by_its_file_is_taken_over(configured: str, tmp_path: Path) -> None:
    """A wall imported before pages were keyed by owner: its comments join its source."""
    wall = _wall(tmp_path / "wall_page.json", -500)
    with Session(get_engine()) as session:
        session.add(Source(kind="vk_dump", name="Страница", target=str(wall.resolve())))
        session.commit()
    _ingest(wall, "--source", "Страница")
    _ingest(_comments(tmp_path / "comments_page.json", -500), "--source", "Страница")
    with Session(get_engine()) as session:
        (source,) = session.exec(select(Source)).all()
    assert source.target == "-500"


def test_the_thread_of_imported_comments_lists_the_wall_post(
    configured: str, tmp_path: Path
) -> None:
    """The comment's «вся ветка в очереди» link narrows the queue to the post and its
    comments: the wall post, imported from the other file, is in it."""
    _ingest(_wall(tmp_path / "wall_page.json", -500), "--source", "Страница")
    _ingest(_comments(tmp_path / "comments_page.json", -500), "--source", "Страница")
    with Session(get_engine(), expire_on_commit=False) as session:
        posts = {post.external_id: post for post in session.exec(select(Post))}
        for post in posts.values():
            post.stage = PipelineStage.ANNOTATED
            session.add(Annotation(post_id=post.id or 0, is_signal=True, signal_confidence=0.5,
                                   reasons={}))  # fmt: skip
        session.commit()
        triage_posts(session, post_ids=[p.id or 0 for p in posts.values()], thresholds=Thresholds())
        comment = posts["-500_10_500"]
        address = thread_address(comment, parent_post(session, comment))
        source, _, key = parse_qs(urlparse(address).query)["thread"][0].partition(":")
        page = review_queue(session, filters=QueueFilters(thread=(int(source), key)), page_size=10)
    assert {item.post_id for item in page.items} == {
        posts[key].id for key in ("-500_10", "-500_10_500", "-500_10_501")
    }
