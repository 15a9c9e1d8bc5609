"""A grown post's older threads: replies under comments before its last 20 are found."""

import pytest
from sqlmodel import Session

from ingest.clients import Clients, CrawlLimits
from ingest.crawl import crawl_source
from ingest.cursor import load_cursor
from models.post import AuthorKind, ThreadPosition
from models.source import Source, SourceKind, SourceStatus
from tests.ingest.conftest import add_source
from tests.ingest.test_vk_threads import DATE, OWNER, comment, reply, stored
from tests.ingest.vk_fake import FakeVk, vk_post


class Killed(BaseException):
    """The worker dies (SIGKILL) in the middle of a request."""


def post_with(fake_vk: FakeVk, rows: list[dict[str, object]]) -> None:
    fake_vk.comments[(OWNER, 1)] = rows
    fake_vk.walls[OWNER] = [vk_post(OWNER, 1, DATE, "Новости", comments={"count": len(rows)})]


def grow(fake_vk: FakeVk, *rows: dict[str, object]) -> None:
    fake_vk.comments[(OWNER, 1)].extend(rows)
    fake_vk.walls[OWNER][0]["comments"]["count"] = len(fake_vk.comments[(OWNER, 1)])


def crawl(session: Session, source: Source, clients: Clients) -> tuple[int, int]:
    """One crawl; how many posts were new and how many wall.getComments calls it made."""
    before = len(fake_calls(clients))
    outcome = crawl_source(session, source_id=source.id or 0, clients=clients)
    assert outcome.status == SourceStatus.OK
    return len(outcome.new_ids), len(fake_calls(clients)) - before


def fake_calls(clients: Clients) -> list[dict[str, str]]:
    return clients.fake.method_calls("wall.getComments")  # type: ignore[attr-defined]


@pytest.fixture
def with_fake(fake_vk: FakeVk, clients: Clients) -> Clients:
    object.__setattr__(clients, "fake", fake_vk)  # Clients is frozen; the test reads calls
    return clients


def limited(clients: Clients, **limits: int) -> Clients:
    made = Clients(vk=clients.vk, limits=CrawlLimits(pages_per_run=50, **limits))
    object.__setattr__(made, "fake", clients.fake)  # type: ignore[attr-defined]
    return made


def test_replies_under_an_old_comment_of_a_grown_post_are_found_with_their_parents(
    session: Session, fake_vk: FakeVk, with_fake: Clients
) -> None:
    rows = [comment(10 + n, 40 + n, f"Жалоба {n}") for n in range(30)]
    rows += [reply(500 + n, 70 + n, f"Ответ {n}", 11) for n in range(15)]  # a long thread
    post_with(fake_vk, rows)
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))
    assert crawl(session, source, with_fake) == (45, 2)  # a page and comment 11's whole thread

    grow(
        fake_vk,
        reply(600, OWNER, "Передали в управляющую компанию", 10),  # comment 10: the oldest
        reply(601, 88, "+1, у нас так же", 11, reply_to_comment=503),
        reply(602, 89, "И у нас", 11),
    )
    new, calls = crawl(session, source, with_fake)

    assert new == 3
    asked = fake_calls(with_fake)[-calls:]
    # the last 20 comments (offset 10), then the 10 older ones, then comment 11's new
    # replies from the 15 already seen minus a page of slack
    assert [(c["offset"], c["count"], c.get("comment_id")) for c in asked] == [
        ("10", "100", None),
        ("0", "10", None),
        ("5", "100", "11"),
    ]
    posts = stored(session)
    answer = posts[f"{OWNER}_1_600"]
    assert (answer.author_kind, answer.thread_position) == (AuthorKind.SOURCE, ThreadPosition.REPLY)
    assert answer.parent_external_id == f"{OWNER}_1_10"
    assert posts[f"{OWNER}_1_601"].parent_external_id == f"{OWNER}_1_503"
    assert posts[f"{OWNER}_1_602"].parent_external_id == f"{OWNER}_1_11"
    assert crawl(session, source, with_fake) == (0, 0)  # unchanged: nothing asked


def test_a_huge_post_is_scanned_a_few_pages_a_run_and_the_cursor_resumes_the_scan(
    session: Session, fake_vk: FakeVk, with_fake: Clients
) -> None:
    post_with(fake_vk, [comment(1000 + n, 40, f"Комментарий {n}") for n in range(350)])
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))
    clients = limited(with_fake, vk_thread_scan_pages=1)
    assert crawl(session, source, clients) == (350, 4)
    grow(fake_vk, reply(5000, 50, "Так и не убрали", 1005), reply(5001, 51, "Ага", 1250))

    runs = [crawl(session, source, clients) for _ in range(5)]

    # each run: the last 20 comments, then one page of the older ones, newest first
    assert runs == [(1, 2), (0, 2), (0, 2), (1, 2), (0, 0)]
    scans = [
        c["offset"] for c in fake_calls(clients)[4:] if c["count"] != "100" or c["offset"] != "330"
    ]
    assert scans == ["230", "130", "30", "0"]
    posts = stored(session)
    assert posts[f"{OWNER}_1_5000"].parent_external_id == f"{OWNER}_1_1005"
    assert posts[f"{OWNER}_1_5001"].parent_external_id == f"{OWNER}_1_1250"
    assert "scan" not in load_cursor(session, source_id=source.id or 0)


def test_a_crawl_killed_in_the_middle_of_a_scan_resumes_where_its_last_page_ended(
    session: Session, fake_vk: FakeVk, with_fake: Clients
) -> None:
    post_with(fake_vk, [comment(1000 + n, 40, f"Комментарий {n}") for n in range(350)])
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))
    crawl(session, source, with_fake)
    grow(fake_vk, reply(5000, 50, "Так и не убрали", 1005), reply(5001, 51, "Ага", 1250))
    start = len(fake_vk.calls)

    def die_on_the_second_scan_page(number: int) -> None:
        if number == start + 5:  # wall.get, execute (tail), tail, scan pages 1 and 2
            raise Killed

    fake_vk.on_call = die_on_the_second_scan_page
    with pytest.raises(Killed):
        crawl_source(session, source_id=source.id or 0, clients=with_fake)
    session.rollback()
    assert load_cursor(session, source_id=source.id or 0)["scan"] == {
        "1": {"todo": [[0, 230]], "end": 330}  # comments 230-329 were read before the kill
    }
    assert f"{OWNER}_1_5001" in stored(session)

    fake_vk.on_call = None
    new, _ = crawl(session, source, with_fake)

    assert new == 1
    assert stored(session)[f"{OWNER}_1_5000"].parent_external_id == f"{OWNER}_1_1005"
    scans = [c["offset"] for c in fake_calls(with_fake)[4:] if c["offset"] != "330"]
    assert scans == ["230", "130", "130", "30", "0"]  # the page cut by the kill is read again


def test_a_thread_longer_than_a_run_is_read_over_several_runs_going_on_from_where_it_was_cut(
    session: Session, fake_vk: FakeVk, with_fake: Clients
) -> None:
    rows = [comment(10, 42, "Во дворе на Кирова, 8 не горят фонари")]
    rows += [reply(1000 + n, 50 + n % 7, f"И у нас {n}", 10) for n in range(350)]
    rows += [comment(11, 43, "Спасибо, починили")]
    post_with(fake_vk, rows)
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))
    clients = Clients(vk=with_fake.vk, limits=CrawlLimits(pages_per_run=2))

    for _ in range(5):
        crawl_source(session, source_id=source.id or 0, clients=clients)

    thread = [c["offset"] for c in fake_vk.method_calls("wall.getComments") if "comment_id" in c]
    assert thread == ["0", "90", "180", "270"]  # each run from the replies read, minus 10
    posts = stored(session)
    assert len(posts) == len(rows)
    assert {posts[f"{OWNER}_1_{1000 + n}"].parent_external_id for n in range(350)} == {
        f"{OWNER}_1_10"
    }


def test_a_huge_posts_scan_does_not_hold_back_another_posts_new_comments(
    session: Session, fake_vk: FakeVk, with_fake: Clients
) -> None:
    huge = [comment(1000 + n, 40, f"Комментарий {n}") for n in range(450)]
    fake_vk.comments[(OWNER, 1)] = huge
    fake_vk.comments[(OWNER, 2)] = [comment(10, 41, "Когда уберут снег?", post_id=2)]
    fake_vk.walls[OWNER] = [
        vk_post(OWNER, 2, DATE + 10, "Уборка снега", comments={"count": 1}),
        vk_post(OWNER, 1, DATE, "Новости", comments={"count": 450}),
    ]
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))
    clients = limited(with_fake, vk_thread_scan_pages=2)
    crawl(session, source, clients)
    fake_vk.comments[(OWNER, 1)].append(reply(5000, 50, "Так и не убрали", 1150))
    fake_vk.walls[OWNER][1]["comments"]["count"] = 451
    fake_vk.comments[(OWNER, 2)].append(comment(11, 42, "У нас тоже не убрали", post_id=2))
    fake_vk.walls[OWNER][0]["comments"]["count"] = 2

    new, _ = crawl(session, source, clients)

    assert new == 1 and f"{OWNER}_2_11" in stored(session)  # the other post is not held back
    assert load_cursor(session, source_id=source.id or 0)["scan"] == {
        "1": {"todo": [[0, 230]], "end": 430}  # two pages a run: 230-429 scanned
    }
    assert crawl(session, source, clients)[0] == 1  # the next run goes on: 130-229
    assert stored(session)[f"{OWNER}_1_5000"].parent_external_id == f"{OWNER}_1_1150"


def test_a_resumed_scan_also_covers_comments_the_recent_pass_has_since_left_behind(
    session: Session, fake_vk: FakeVk, with_fake: Clients
) -> None:
    post_with(fake_vk, [comment(1000 + n, 40, f"Комментарий {n}") for n in range(350)])
    source = add_source(session, kind=SourceKind.VK_COMMENTS, target=str(OWNER))
    clients = limited(with_fake, vk_thread_scan_pages=1)
    crawl(session, source, clients)
    grow(fake_vk, reply(5000, 50, "Так и не убрали", 1005))
    grow(fake_vk, *(comment(2000 + n, 41, f"Новый {n}") for n in range(30)))
    # the recent pass reads comments 330-379, the scan 230-329
    assert crawl(session, source, clients) == (30, 2)
    grow(fake_vk, reply(5001, 51, "И в соседнем доме", 1340))  # comment 340: read before

    # the recent pass now starts at 360: the scan goes back to 330-359 first
    assert crawl(session, source, clients) == (1, 2)

    assert stored(session)[f"{OWNER}_1_5001"].parent_external_id == f"{OWNER}_1_1340"
    assert load_cursor(session, source_id=source.id or 0)["scan"] == {
        "1": {"todo": [[0, 230]], "end": 360}
    }
    assert [c["offset"] for c in fake_calls(clients)[-2:]] == ["360", "330"]
